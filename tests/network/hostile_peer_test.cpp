// Scripted hostile peers against real nodes: headers with bad seals (scored and banned before any
// block is asked for), a peer that never answers (sync goes on from honest peers), and a flood of
// transactions, invalid and duplicate ones included, over p2p and over the API.
#include "dev_consensus.h"
#include "fake_peer.h"
#include "harness.h"
#include "http_client.h"

#include <bciin/chain/address.h>

#include <gtest/gtest.h>

#include <sodium.h>

namespace bciin::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

chain::Hash GenesisOf(const Node& n) {
  chain::Hash g{};
  EXPECT_TRUE(chain::DecodeId(chain::kBlockHashPrefix, n.MainHash(0), &g).ok());
  return g;
}

// `count` headers on top of genesis, each sealed by `sealer` (or with random bytes as seal).
std::vector<chain::Header> ForgeHeaders(const Node& n, const chain::KeyPair& authority, const chain::KeyPair* sealer,
                                        size_t count) {
  chain::Header parent;
  auto bytes = chain::FromHex(n.Header(0).value("encoded", ""));
  EXPECT_TRUE(bytes && chain::DecodeCanonical(*bytes, &parent, "genesis header").ok());
  std::vector<chain::Header> out;
  for (size_t i = 0; i < count; ++i) {
    chain::Header h;
    h.height = parent.height + 1;
    h.prev_hash = parent.BlockHash();
    h.time_ms = parent.time_ms + 1000;
    h.consensus.assign(authority.public_key().begin(), authority.public_key().end());
    if (sealer) {
      chain::Hash seal_hash = h.SealHash();
      chain::Signature sig = sealer->Sign(consensus::DevConsensus::SealMessage(seal_hash.data()));
      h.seal.assign(sig.begin(), sig.end());
    } else {
      h.seal.resize(64);
      randombytes_buf(h.seal.data(), h.seal.size());
    }
    out.push_back(h);
    parent = h;
  }
  return out;
}

class HostilePeerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(Devnet::Create(dir_ / "net", 4, &net_).ok()); }
  TempDir dir_;
  Devnet net_;
  std::string error_;
};

// Answers the node's get-headers with `headers`; returns whether it then asked for blocks
// (false when it closed the connection first).
bool OfferHeaders(FakePeer& peer, const std::vector<chain::Header>& headers) {
  p2p::Message m;
  if (!peer.ReadUntil(p2p::MsgType::kGetHeaders, &m, 30s)) return false;
  p2p::Headers out;
  out.headers = headers;
  peer.Send(p2p::MsgType::kHeaders, out);
  return peer.ReadUntil(p2p::MsgType::kGetBlocks, &m, 10s);
}

TEST_F(HostilePeerTest, HeadersWithBadSealsGetThePeerBannedBeforeAnyBlockIsAsked) {
  NodeOptions o;
  Node node(net_, dir_ / "node", o);
  ASSERT_TRUE(node.Start(&error_)) << error_;
  chain::KeyPair stranger = chain::KeyPair::Generate();

  // Random seals, then seals by a key that is not the authority's.
  for (const chain::KeyPair* sealer : std::vector<const chain::KeyPair*>{nullptr, &stranger}) {
    FakePeer peer(node.p2p_port());
    p2p::Hello theirs;
    ASSERT_TRUE(peer.Handshake(FakePeer::MakeHello(net_.network_id, GenesisOf(node), 100, chain::Amount(100)), &theirs));
    EXPECT_FALSE(OfferHeaders(peer, ForgeHeaders(node, net_.authority, sealer, 10)));
    EXPECT_TRUE(peer.WaitClosed(10s));
  }
  std::string out = node.Output();
  EXPECT_NE(out.find("bad seal on header #1"), std::string::npos) << out;
  EXPECT_NE(out.find("dev seal: bad signature"), std::string::npos) << out;
  EXPECT_NE(out.find("banned peer"), std::string::npos) << out;
  EXPECT_EQ(node.Height(), 0u);

  // The control: the same headers sealed by the authority are downloaded.
  FakePeer honest(node.p2p_port());
  p2p::Hello theirs;
  ASSERT_TRUE(honest.Handshake(FakePeer::MakeHello(net_.network_id, GenesisOf(node), 100, chain::Amount(100)), &theirs));
  EXPECT_TRUE(OfferHeaders(honest, ForgeHeaders(node, net_.authority, &net_.authority, 10)));
}

TEST_F(HostilePeerTest, APeerThatNeverAnswersDoesNotStallSyncFromHonestPeers) {
  NodeOptions producer;
  producer.produce = true;
  producer.interval_ms = 100;
  Node honest(net_, dir_ / "honest", producer);
  ASSERT_TRUE(honest.Start(&error_)) << error_;
  ASSERT_TRUE(WaitFor([&] { return honest.Height() >= 20; }, 60s));

  // The syncing node would wait 10 minutes before dropping a silent peer.
  NodeOptions o;
  o.interval_ms = 100;
  o.p2p_extra = "request-timeout-ms = 600000";
  Node node(net_, dir_ / "node", o);
  ASSERT_TRUE(node.Start(&error_)) << error_;

  // The silent peer comes first and claims the heaviest chain: the node asks it for headers.
  FakePeer silent(node.p2p_port());
  p2p::Hello theirs;
  ASSERT_TRUE(silent.Handshake(
      FakePeer::MakeHello(net_.network_id, GenesisOf(node), 1'000'000, chain::Amount(1'000'000)), &theirs));
  p2p::Message m;
  ASSERT_TRUE(silent.ReadUntil(p2p::MsgType::kGetHeaders, &m, 30s));

  ASSERT_TRUE(node.AddPeer(honest.P2pAddress()).ok());
  uint64_t target = honest.Height();
  ASSERT_TRUE(WaitFor([&] { return node.Height() >= target; }, 90s)) << node.Output();
  EXPECT_EQ(node.MainHash(target), honest.MainHash(target));
  EXPECT_TRUE(silent.connected());
}

TEST_F(HostilePeerTest, ATransactionFloodOverP2pAndTheApiLeavesTheNodeUpAndHonestTransactionsIncluded) {
  NodeOptions producer;
  producer.produce = true;
  producer.interval_ms = 300;
  Node node(net_, dir_ / "node", producer);
  ASSERT_TRUE(node.Start(&error_)) << error_;
  NodeOptions follower;
  follower.interval_ms = 300;
  follower.peers = {node.P2pAddress()};
  Node friendly(net_, dir_ / "friendly", follower);
  ASSERT_TRUE(friendly.Start(&error_)) << error_;

  // Thousands of transactions: valid ones, each repeated, and ones with broken signatures.
  std::vector<chain::SignedTx> flood;
  for (uint64_t nonce = 1; flood.size() < 12000; ++nonce) {
    chain::SignedTx valid = MakeSpend(net_.network_id, net_.accounts[0], chain::KeyPair::Generate().public_key(), 5,
                                      nonce);
    chain::SignedTx forged = valid;
    forged.signature[0] ^= 0xff;
    flood.insert(flood.end(), {valid, valid, forged});
  }
  FakePeer hostile(node.p2p_port());
  p2p::Hello theirs;
  ASSERT_TRUE(hostile.Handshake(FakePeer::MakeHello(net_.network_id, GenesisOf(node), 0, chain::Amount()), &theirs));
  size_t sent_messages = 0;
  for (size_t i = 0; i < flood.size(); i += p2p::kMaxTxsPerMessage) {
    p2p::NewTxs msg;
    for (size_t j = i; j < std::min(flood.size(), i + p2p::kMaxTxsPerMessage); ++j) msg.txs.push_back(flood[j]);
    if (!hostile.Send(p2p::MsgType::kNewTxs, msg)) break;
    ++sent_messages;
  }
  EXPECT_GT(sent_messages, 3u);
  EXPECT_TRUE(hostile.WaitClosed(30s)) << "the flooding peer was not dropped";
  EXPECT_TRUE(node.process().WaitForOutput("over the transaction rate limit", 10s)) << node.Output();
  EXPECT_TRUE(node.process().WaitForOutput("banned peer", 10s)) << node.Output();

  // A flood over the API, ten rounds of: 40 valid spends of another account, each again, and
  // each with a broken signature. Only the first copy of each valid one is accepted; the rest
  // is answered with a JSON error (409 already pending, 422 bad signature or nonce too low).
  cli::HttpClient api(node.Url(), node.token());
  std::vector<chain::SignedTx> api_flood;
  for (uint64_t nonce = 1; nonce <= 40; ++nonce) {
    chain::SignedTx valid = MakeSpend(net_.network_id, net_.accounts[3], chain::KeyPair::Generate().public_key(), 7,
                                      nonce);
    chain::SignedTx forged = valid;
    forged.signature[0] ^= 0xff;
    api_flood.insert(api_flood.end(), {valid, valid, forged});
  }
  std::map<int, size_t> statuses;
  std::map<std::string, size_t> codes;
  for (int round = 0; round < 10; ++round)
    for (const auto& stx : api_flood) {
      cli::HttpResult r;
      ASSERT_TRUE(
          api.Request("POST", "/v1/transactions", json{{"tx", chain::ToHex(chain::Encode(stx))}}.dump(), &r).ok());
      ++statuses[r.status];
      if (r.status != 202) ++codes[r.body.is_object() ? r.body["error"].value("code", "") : "not json"];
    }
  EXPECT_EQ(statuses[202], 40u);
  EXPECT_GE(statuses[422], 400u);
  EXPECT_EQ(statuses[202] + statuses[409] + statuses[422], 1200u);
  EXPECT_EQ(codes["already_exists"] + codes["rejected"], 1160u);
  EXPECT_TRUE(WaitFor([&] { return node.Get("/v1/accounts/" + chain::AccountId(net_.accounts[3].public_key()))
                                       .value("nonce", uint64_t{0}) == 40; },
                      60s));

  // Honest transactions, through the friendly peer and through the API, are included.
  chain::PublicKey to_friend = chain::KeyPair::Generate().public_key(), to_api = chain::KeyPair::Generate().public_key();
  ASSERT_TRUE(friendly.Submit(MakeSpend(net_.network_id, net_.accounts[1], to_friend, 4242, 1)).ok());
  ASSERT_TRUE(node.Submit(MakeSpend(net_.network_id, net_.accounts[2], to_api, 4343, 1)).ok());
  for (const Node* n : {&node, &friendly}) {
    EXPECT_TRUE(WaitFor([&] { return n->Get("/v1/accounts/" + chain::AccountId(to_friend)).value("balance", "") == "4242"; },
                        60s));
    EXPECT_TRUE(
        WaitFor([&] { return n->Get("/v1/accounts/" + chain::AccountId(to_api)).value("balance", "") == "4343"; }, 60s));
  }
  EXPECT_TRUE(node.Running());
  EXPECT_EQ(node.Get("/v1/status").value("network_id", ""), net_.network_id);
}

}  // namespace
}  // namespace bciin::testing
