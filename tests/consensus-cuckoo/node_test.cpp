// bciin-node with storage-leveldb, consensus-cuckoo (12 edge bits, lean solver) and the chain
// component, as real processes: a devnet mines, its targets follow the block time, and every
// block it wrote verifies again in an independent engine; a node whose store holds two competing
// branches (written there by the engine library) keeps, and mines on, the one with more work
// although the other is longer; two nodes that mined apart and are then connected over p2p both end
// on the branch with more work.
#include "chain/chain.h"
#include "leveldb_kv.h"
#include "memory_kv.h"
#include "process.hpp"

#include <bciin/chain/address.h>
#include <bciin/cuckoo/consensus.h>

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <memory>
#include <set>

namespace bciin {
namespace {

namespace fs = std::filesystem;
using chain::Block;
using chain::Chain;
using chain::ImportResult;
using chain::KeyPair;
using chain::PublicKey;
using testing::Process;
using testing::TempDir;

constexpr uint64_t kBlockTime = 300;

KeyPair Key(uint8_t tag) {
  std::array<uint8_t, 32> seed{};
  seed[0] = tag;
  return KeyPair::FromSeed(seed);
}

// The options the node's config below gives the plugin.
cuckoo::ConsensusOptions Options(uint64_t block_time = kBlockTime) {
  cuckoo::ConsensusOptions o;
  o.edge_bits = 12;
  o.solver = cuckoo::SolverKind::kLean;
  o.retarget.block_time_ms = block_time;
  o.retarget.window = 3;
  o.retarget.max_future_ms = 3 * block_time;
  o.initial_target = 0x207fffff;
  o.report_ms = 0;
  return o;
}

// A node that also talks p2p: a shared genesis file, a listening port (0: any, logged) and a peer to dial.
struct Network {
  std::string genesis;
  std::string peer;
};

std::string Config(const TempDir& dir, bool produce, const PublicKey& beneficiary, uint64_t block_time = kBlockTime,
                   const Network* net = nullptr) {
  std::string p2p;
  if (net) {
    p2p = "genesis = " + net->genesis + "\n[p2p]\nport = 0\npeer-exchange = false\n";
    if (!net->peer.empty()) p2p += "peer = " + net->peer + "\n";
  }
  return "plugin = chain\nplugin = storage-leveldb\nplugin = consensus-cuckoo\n" +
         std::string(net ? "plugin = p2p\n" : "") +
         "plugin-dir = " + (testing::BuildDir() / "lib" / "bciin" / "plugins").string() + "\n"
         "data-dir = " + (dir / "data").string() + "\n"
         "[consensus-cuckoo]\nedge-bits = 12\nsolver = lean\nblock-time-ms = " + std::to_string(block_time) +
         "\nwindow = 3\ninitial-target = 0x207fffff\nreport-ms = 200\n"
         "[storage-leveldb]\ncache-mb = 4\nwrite-buffer-mb = 1\n"
         "[chain]\nverify-threads = 1\nproduce = " + std::string(produce ? "true" : "false") +
         "\nbeneficiary = " + chain::AccountId(beneficiary) + "\n" + p2p;
}

// An engine over a store (the node's leveldb, or memory) with the network's consensus.
class Engine {
 public:
  Engine(const chain::Genesis& genesis, const bciin_kv_service* kv, uint64_t block_time = kBlockTime)
      : consensus_(Options(block_time)), table_(&consensus_) {
    chain::ChainOptions o;
    o.verify_threads = 1;
    o.node_cache = 1 << 14;
    o.clock_ms = [this] { return clock_; };
    clock_ = genesis.params.genesis_time_ms;
    Status s = Chain::Open(sdk::KvStore(kv ? kv : mem_table_.table()), sdk::ConsensusClient(table_.table()), {},
                           nullptr, genesis, o, &chain_);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  Chain& chain() { return *chain_; }
  Block Mine(uint64_t after_ms, const PublicKey& beneficiary) {
    clock_ = chain_->head().time_ms + after_ms;
    Block b;
    Status s = chain_->ProduceBlock(beneficiary, [] { return false; }, &b, nullptr);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return b;
  }
  Status Import(const Block& b, ImportResult* r = nullptr) {
    clock_ = std::max(clock_, b.header.time_ms);
    return chain_->ImportBlock(b, r);
  }
  chain::Amount Weight() {
    chain::BlockMeta m;
    EXPECT_TRUE(chain_->GetMeta(chain_->head_hash(), &m).ok());
    return m.total_weight;
  }

 private:
  uint64_t clock_ = 0;
  storage::MemoryKv mem_;
  sdk::KvServiceTable mem_table_{&mem_};
  cuckoo::CuckooConsensus consensus_;
  sdk::ConsensusServiceTable table_;
  std::unique_ptr<Chain> chain_;
};

struct Store {
  explicit Store(const fs::path& data) {
    storage::LeveldbOptions lo;
    lo.path = (data / "chain.ldb").string();
    lo.cache_mb = 4;
    Status s = storage::LeveldbKv::Open(lo, &kv);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    table = std::make_unique<sdk::KvServiceTable>(kv.get());
  }
  std::unique_ptr<storage::LeveldbKv> kv;
  std::unique_ptr<sdk::KvServiceTable> table;
};

// The compact targets in the plugin's "sealed height N (target 0x........)" lines.
std::vector<uint32_t> SealedTargets(const std::string& log) {
  std::vector<uint32_t> out;
  const std::string key = "(target 0x";
  for (size_t at = log.find(key); at != std::string::npos; at = log.find(key, at + 1))
    out.push_back(static_cast<uint32_t>(std::stoul(log.substr(at + key.size(), 8), nullptr, 16)));
  return out;
}

TEST(CuckooNode, DevnetMinesVerifiesAndRetargets) {
  // A block time of a minute: every block comes sooner, however loaded the machine, so once the
  // window is full every target is lower than the one before (no timing in the assertions).
  constexpr uint64_t kSlowBlockTime = 60'000;
  TempDir dir;
  const PublicKey beneficiary = Key(7).public_key();
  testing::WriteFile(dir / "node.ini", Config(dir, true, beneficiary, kSlowBlockTime));
  Process node(testing::Program("bciin-node"), {"--config", (dir / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("produced block #9 ", std::chrono::seconds(100))) << node.Output();
  node.Signal(SIGTERM);
  ASSERT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  const std::string log = node.Output();
  EXPECT_NE(log.find("cuckoo: sealed height 1 (target 0x207fffff)"), std::string::npos) << log;
  EXPECT_NE(log.find("graphs/s"), std::string::npos) << log;
  const std::vector<uint32_t> targets = SealedTargets(log);
  ASSERT_GE(targets.size(), 9u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(targets[i], 0x207fffffu) << i;  // window 3: young chain
  for (size_t i = 4; i < targets.size(); ++i)
    EXPECT_LT(*cuckoo::compact_to_target(targets[i]), *cuckoo::compact_to_target(targets[i - 1])) << i;

  // Everything the node wrote verifies again, block by block, in a fresh engine.
  chain::Genesis genesis;
  ASSERT_TRUE(chain::Genesis::FromFile((dir / "data" / "genesis.json").string(), &genesis).ok());
  Store store(dir / "data");
  Engine stored(genesis, store.table->table(), kSlowBlockTime);
  Engine fresh(genesis, nullptr, kSlowBlockTime);
  const uint64_t height = stored.chain().head().height;
  ASSERT_GE(height, 9u);
  std::set<uint32_t> distinct;
  for (uint64_t h = 1; h <= height; ++h) {
    chain::Hash hash;
    Block b;
    ASSERT_TRUE(stored.chain().GetMainHash(h, &hash).ok());
    ASSERT_TRUE(stored.chain().GetBlock(hash, &b).ok());
    distinct.insert(*cuckoo::decode_fields({b.header.consensus.data(), b.header.consensus.size()}));
    ImportResult r;
    Status s = fresh.Import(b, &r);
    ASSERT_TRUE(s.ok()) << h << ": " << s.ToString();
    EXPECT_TRUE(r.new_head);
  }
  EXPECT_EQ(fresh.chain().head_hash(), stored.chain().head_hash());
  EXPECT_GT(distinct.size(), 1u) << "the target never moved";
  // Rewards went to the configured beneficiary.
  std::optional<chain::Account> acc;
  ASSERT_TRUE(fresh.chain().GetAccount(beneficiary, &acc).ok());
  ASSERT_TRUE(acc.has_value());
  EXPECT_EQ(acc->balance, *chain::Amount::Mul64(genesis.params.block_reward.lo(), height));
}

TEST(CuckooNode, KeepsAndMinesOnTheBranchWithMoreWork) {
  TempDir dir;
  const PublicKey beneficiary = Key(7).public_key();
  testing::WriteFile(dir / "node.ini", Config(dir, false, beneficiary));
  {  // A first run writes the devnet genesis and the empty store.
    Process node(testing::Program("bciin-node"), {"--config", (dir / "node.ini").string()});
    ASSERT_TRUE(node.WaitForOutput("head #0 ", std::chrono::seconds(30))) << node.Output();
    node.Signal(SIGTERM);
    ASSERT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  }
  chain::Genesis genesis;
  ASSERT_TRUE(chain::Genesis::FromFile((dir / "data" / "genesis.json").string(), &genesis).ok());
  // Branch A: 7 slow blocks (targets rise); branch B: 6 fast blocks (targets fall), more work.
  Engine a(genesis, nullptr), b(genesis, nullptr);
  std::vector<Block> branch_a, branch_b;
  for (int i = 0; i < 7; ++i) branch_a.push_back(a.Mine(6 * kBlockTime, Key(10).public_key()));
  for (int i = 0; i < 6; ++i) branch_b.push_back(b.Mine(kBlockTime / 8, Key(11).public_key()));
  ASSERT_GT(b.Weight(), a.Weight());
  {  // Handed to the node's store: A first, then B.
    Store store(dir / "data");
    Engine node_store(genesis, store.table->table());
    for (const Block& blk : branch_a) ASSERT_TRUE(node_store.Import(blk).ok());
    for (const Block& blk : branch_b) ASSERT_TRUE(node_store.Import(blk).ok());
  }
  const std::string b_tip = chain::BlockId(b.chain().head_hash());
  // The node opens on B's tip and mines block 7 on top of it.
  testing::WriteFile(dir / "node.ini", Config(dir, true, beneficiary));
  Process node(testing::Program("bciin-node"), {"--config", (dir / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("produced block #7 ", std::chrono::seconds(60))) << node.Output();
  node.Signal(SIGTERM);
  ASSERT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  EXPECT_NE(node.Output().find("head #6 " + b_tip), std::string::npos) << node.Output();
  Store store(dir / "data");
  Engine after(genesis, store.table->table());
  chain::Hash h6, h7;
  Block seven;
  ASSERT_TRUE(after.chain().GetMainHash(6, &h6).ok());
  ASSERT_TRUE(after.chain().GetMainHash(7, &h7).ok());
  ASSERT_TRUE(after.chain().GetBlock(h7, &seven).ok());
  EXPECT_EQ(h6, b.chain().head_hash());
  EXPECT_EQ(seven.header.prev_hash, b.chain().head_hash());
}

// Two nodes mine apart from the same genesis, then are connected over p2p (no mining): both end on the
// branch with more cumulative work, the other node after a reorg.
TEST(CuckooNode, ConnectedNodesAgreeOnTheBranchWithMoreWork) {
  TempDir a_dir, b_dir;
  const PublicKey beneficiary = Key(7).public_key();
  const std::string genesis_path = (a_dir / "data" / "genesis.json").string();
  Network net{genesis_path, ""};
  auto mine = [&](const TempDir& dir, const PublicKey& who, uint64_t height) {
    testing::WriteFile(dir / "node.ini", Config(dir, true, who, kBlockTime, &dir == &a_dir ? nullptr : &net));
    Process node(testing::Program("bciin-node"), {"--config", (dir / "node.ini").string()});
    ASSERT_TRUE(node.WaitForOutput("produced block #" + std::to_string(height) + " ", std::chrono::seconds(120)))
        << node.Output();
    node.Signal(SIGTERM);
    ASSERT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  };
  // A writes the devnet genesis that B is given; each mines its own branch, one after the other.
  ASSERT_NO_FATAL_FAILURE(mine(a_dir, Key(10).public_key(), 5));
  ASSERT_NO_FATAL_FAILURE(mine(b_dir, Key(11).public_key(), 8));
  chain::Genesis genesis;
  ASSERT_TRUE(chain::Genesis::FromFile(genesis_path, &genesis).ok());
  chain::Amount a_work, b_work;
  chain::Hash a_tip, b_tip;
  uint64_t a_height = 0, b_height = 0;
  {
    Store a_store(a_dir / "data"), b_store(b_dir / "data");
    Engine a(genesis, a_store.table->table()), b(genesis, b_store.table->table());
    a_work = a.Weight();
    b_work = b.Weight();
    a_tip = a.chain().head_hash();
    b_tip = b.chain().head_hash();
    a_height = a.chain().head().height;
    b_height = b.chain().head().height;
    chain::Hash a1, b1;
    ASSERT_TRUE(a.chain().GetMainHash(1, &a1).ok());
    ASSERT_TRUE(b.chain().GetMainHash(1, &b1).ok());
    ASSERT_NE(a1, b1) << "the nodes did not mine apart";
  }
  ASSERT_NE(a_work, b_work);
  const bool a_heavier = b_work < a_work;
  const chain::Hash heavy_tip = a_heavier ? a_tip : b_tip;
  const uint64_t heavy_height = a_heavier ? a_height : b_height;

  // Connected: A listens, B dials A; neither mines.
  Network a_net{genesis_path, ""};
  testing::WriteFile(a_dir / "node.ini", Config(a_dir, false, beneficiary, kBlockTime, &a_net));
  Process a_node(testing::Program("bciin-node"), {"--config", (a_dir / "node.ini").string()});
  ASSERT_TRUE(a_node.WaitForOutput("p2p listening on port ", std::chrono::seconds(30))) << a_node.Output();
  const std::string a_log = a_node.Output();
  const size_t at = a_log.find("p2p listening on port ") + std::string("p2p listening on port ").size();
  const std::string port = a_log.substr(at, a_log.find_first_not_of("0123456789", at) - at);
  Network b_net{genesis_path, "127.0.0.1:" + port};
  testing::WriteFile(b_dir / "node.ini", Config(b_dir, false, beneficiary, kBlockTime, &b_net));
  Process b_node(testing::Program("bciin-node"), {"--config", (b_dir / "node.ini").string()});
  Process& lighter = a_heavier ? b_node : a_node;
  const std::string adopted = "imported block #" + std::to_string(heavy_height) + " " + chain::BlockId(heavy_tip);
  ASSERT_TRUE(lighter.WaitForOutput(adopted, std::chrono::seconds(120)))
      << "A:\n" << a_node.Output() << "\nB:\n" << b_node.Output();
  EXPECT_NE(lighter.Output().find("reorg of"), std::string::npos) << lighter.Output();
  for (Process* p : {&a_node, &b_node}) {
    p->Signal(SIGTERM);
    ASSERT_EQ(p->Wait(std::chrono::seconds(30)), 0) << p->Output();
  }
  for (const TempDir* dir : {&a_dir, &b_dir}) {
    Store store(*dir / "data");
    Engine e(genesis, store.table->table());
    EXPECT_EQ(e.chain().head_hash(), heavy_tip) << (dir == &a_dir ? "A" : "B");
    EXPECT_EQ(e.Weight(), a_heavier ? a_work : b_work);
  }
}

}  // namespace
}  // namespace bciin
