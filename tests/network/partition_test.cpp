// Four real nodes split into two pairs that both produce (each pair has a producer holding the
// same consensus-dev authority key; weight is 1 per block, so the longer branch is the heavier),
// then healed: all four converge on the heavier chain with identical blocks and state roots, and
// the losing side's valid transaction comes back from the abandoned block and lands again.
// Also: a node killed (SIGKILL) in the middle of a sync resumes from its store and reaches the head.
#include "fake_peer.h"
#include "harness.h"

#include <bciin/chain/address.h>

#include <gtest/gtest.h>

#include <csignal>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

chain::PublicKey NewAddress() { return chain::KeyPair::Generate().public_key(); }

std::string TxState(const Node& n, const chain::SignedTx& stx) {
  return n.Get("/v1/transactions/" + chain::TxId(chain::TxHash(stx))).value("state", "");
}

std::string Balance(const Node& n, const chain::PublicKey& key) {
  return n.Get("/v1/accounts/" + chain::AccountId(key)).value("balance", "");
}

TEST(NetworkPartition, TwoProducingPairsHealToTheHeavierChainWithIdenticalState) {
  TempDir dir;
  Devnet net;
  ASSERT_TRUE(Devnet::Create(dir / "net", 4, &net).ok());
  std::string error;
  NodeOptions producer;
  producer.produce = true;
  producer.interval_ms = 300;
  NodeOptions follower;
  follower.interval_ms = 300;

  // Pair A: 0 produces, 1 follows. Pair B: 2 produces with the same key, 3 follows.
  Node n0(net, dir / "node0", producer);
  ASSERT_TRUE(n0.Start(&error)) << error;
  follower.peers = {n0.P2pAddress()};
  Node n1(net, dir / "node1", follower);
  ASSERT_TRUE(n1.Start(&error)) << error;
  Node n2(net, dir / "node2", producer);
  ASSERT_TRUE(n2.Start(&error)) << error;
  follower.peers = {n2.P2pAddress()};
  Node n3(net, dir / "node3", follower);
  ASSERT_TRUE(n3.Start(&error)) << error;
  std::vector<Node*> all = {&n0, &n1, &n2, &n3};

  ASSERT_TRUE(WaitFor([&] { return n1.Height() >= 2 && n3.Height() >= 2; }, 60s)) << n1.Output() << n3.Output();
  EXPECT_NE(n1.MainHash(1), n3.MainHash(1)) << "the two pairs share a block: not partitioned";

  // A transaction on each side, included there.
  chain::PublicKey to_a = NewAddress(), to_b = NewAddress();
  chain::SignedTx tx_a = MakeSpend(net.network_id, net.accounts[1], to_a, 1111, 1);
  chain::SignedTx tx_b = MakeSpend(net.network_id, net.accounts[2], to_b, 2222, 1);
  ASSERT_TRUE(n1.Submit(tx_a).ok());
  ASSERT_TRUE(n3.Submit(tx_b).ok());
  ASSERT_TRUE(WaitFor([&] { return TxState(n1, tx_a) == "included" && TxState(n3, tx_b) == "included"; }, 60s));
  EXPECT_EQ(TxState(n3, tx_a), "") << "tx_a crossed the partition";

  // Side B stops producing (its producer restarts as a follower); side A gets ahead.
  ASSERT_EQ(n2.Kill(SIGTERM), 0) << n2.Output();  // a clean stop (sanitizers included)
  n2.options().produce = false;
  n2.options().peers = {n3.P2pAddress()};
  ASSERT_TRUE(n2.Start(&error)) << error;
  ASSERT_TRUE(WaitFor([&] { return n1.Height() >= n3.Height() + 3; }, 60s));
  const uint64_t b_height = n3.Height();

  // Heal: node 1 dials node 3.
  ASSERT_TRUE(n1.AddPeer(n3.P2pAddress()).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        uint64_t h = n0.Height();
        for (Node* n : all)
          if (n->Height() < h) return false;
        return true;
      },
      90s))
      << n3.Output();
  EXPECT_TRUE(n3.process().WaitForOutput("reorganisation", 10s)) << n3.Output();

  // Identical blocks and state roots on all four, up to a common height above the old B head.
  const uint64_t common = n0.Height();
  ASSERT_GT(common, b_height);
  json reference = n0.Header(common);
  ASSERT_FALSE(reference.empty());
  for (Node* n : all) {
    for (uint64_t h = 1; h <= common; ++h) ASSERT_EQ(n->MainHash(h), n0.MainHash(h)) << n->data_dir() << " #" << h;
    EXPECT_EQ(n->Header(common).value("state_root", ""), reference.value("state_root", "")) << n->data_dir();
  }

  // The losing side's transaction returned to the mempool and lands on the winning chain; the
  // winning side's is still there. Balances agree everywhere.
  ASSERT_TRUE(WaitFor([&] { return TxState(n0, tx_b) == "included"; }, 60s)) << n0.Output() << n3.Output();
  ASSERT_TRUE(WaitFor(
      [&] {
        for (Node* n : all)
          if (Balance(*n, to_b) != "2222" || Balance(*n, to_a) != "1111") return false;
        return true;
      },
      60s));
  json included = n0.Get("/v1/transactions/" + chain::TxId(chain::TxHash(tx_b)));
  uint64_t at = included.value("height", uint64_t{0});
  ASSERT_GT(at, 0u) << included.dump();
  ASSERT_TRUE(WaitFor([&] { return n3.Height() >= at; }, 30s));
  for (Node* n : all) EXPECT_EQ(n->MainHash(at), n0.MainHash(at)) << n->data_dir();
}

// A peer serving headers and blocks from a real chain, but only blocks up to `serve_to`: past
// that it stays silent, which holds the syncing node in the middle of its sync.
void ServeUpTo(FakePeer& peer, const std::vector<chain::Header>& headers, const std::vector<chain::Block>& blocks,
               uint64_t serve_to, const std::function<bool()>& done) {
  while (!done()) {
    p2p::Message m;
    if (!peer.Read(&m, 200ms)) {
      if (!peer.connected()) return;
      continue;
    }
    if (m.type == static_cast<uint16_t>(p2p::MsgType::kGetHeaders)) {
      p2p::GetHeaders req;
      if (!chain::DecodeCanonical(m.body, &req, "get-headers").ok()) return;
      size_t from = 0;  // after the first locator hash we have (genesis: none of ours matches)
      for (const auto& item : req.locator) {
        auto it = std::find_if(headers.begin(), headers.end(), [&](const chain::Header& h) { return h.BlockHash() == item.hash; });
        if (it != headers.end()) {
          from = static_cast<size_t>(it - headers.begin()) + 1;
          break;
        }
      }
      p2p::Headers out;
      for (size_t i = from; i < headers.size() && out.headers.size() < p2p::kMaxHeadersPerMessage; ++i)
        out.headers.push_back(headers[i]);
      peer.Send(p2p::MsgType::kHeaders, out);
    } else if (m.type == static_cast<uint16_t>(p2p::MsgType::kGetBlocks)) {
      p2p::GetBlocks req;
      if (!chain::DecodeCanonical(m.body, &req, "get-blocks").ok()) return;
      p2p::Blocks out;
      for (const auto& item : req.hashes)
        for (const auto& b : blocks)
          if (b.header.BlockHash() == item.hash && b.header.height <= serve_to) out.blocks.push_back(b);
      if (out.blocks.size() == req.hashes.size()) peer.Send(p2p::MsgType::kBlocks, out);
    }
  }
}

TEST(NetworkRestart, ANodeKilledInTheMiddleOfASyncResumesAndReachesTheHead) {
  TempDir dir;
  Devnet net;
  ASSERT_TRUE(Devnet::Create(dir / "net", 2, &net).ok());
  std::string error;
  NodeOptions producer;
  producer.produce = true;
  producer.interval_ms = 10;
  Node n0(net, dir / "node0", producer);
  ASSERT_TRUE(n0.Start(&error)) << error;
  // Some blocks carry spends.
  for (uint64_t nonce = 1; nonce <= 40; ++nonce)
    ASSERT_TRUE(n0.Submit(MakeSpend(net.network_id, net.accounts[0], NewAddress(), 10, nonce)).ok());
  ASSERT_TRUE(WaitFor([&] { return n0.Height() >= 160 && n0.Get("/v1/status").value("mempool_size", 1) == 0; }, 120s));
  ASSERT_EQ(n0.Kill(SIGTERM), 0) << n0.Output();  // the chain stays fixed from here on
  n0.options().produce = false;
  ASSERT_TRUE(n0.Start(&error)) << error;
  const uint64_t head = n0.Height();

  // The chain as a scripted peer will serve it: every header, blocks only up to height 64.
  chain::Hash genesis{};
  ASSERT_TRUE(chain::DecodeId(chain::kBlockHashPrefix, n0.MainHash(0), &genesis).ok());
  std::vector<chain::Block> blocks;
  ASSERT_TRUE(FetchChain(n0.p2p_port(), net.network_id, genesis, head, &blocks, &error)) << error;
  std::vector<chain::Header> headers;
  for (const auto& b : blocks) headers.push_back(b.header);

  NodeOptions follower;
  follower.interval_ms = 10;
  Node n1(net, dir / "node1", follower);
  ASSERT_TRUE(n1.Start(&error)) << error;
  {
    FakePeer server(n1.p2p_port());
    p2p::Hello theirs;
    ASSERT_TRUE(server.Handshake(
        FakePeer::MakeHello(net.network_id, genesis, head, chain::Amount(head)), &theirs));
    ServeUpTo(server, headers, blocks, 64, [&] { return n1.Output().find("imported block #64 ") != std::string::npos; });
    ASSERT_TRUE(n1.process().WaitForOutput("imported block #64 ", 60s)) << n1.Output();
    // Mid-sync: it has the headers up to `head` and the blocks up to 64.
    ASSERT_LT(n1.Height(), head);
    n1.Kill(SIGKILL);
  }

  // Restarted on the same store, now with the real node as its peer: it resumes at 64.
  n1.options().peers = {n0.P2pAddress()};
  ASSERT_TRUE(n1.Start(&error)) << error;
  EXPECT_NE(n1.Output().find(", head #64 "), std::string::npos) << n1.Output();
  ASSERT_TRUE(WaitFor([&] { return n1.Height() >= head; }, 120s)) << n1.Output();
  EXPECT_EQ(n1.MainHash(head), n0.MainHash(head));
  EXPECT_EQ(n1.Header(head).value("state_root", ""), n0.Header(head).value("state_root", ""));
  EXPECT_EQ(n1.Output().find("imported block #64 "), std::string::npos) << "block 64 imported twice";
}

}  // namespace
}  // namespace bciin::testing
