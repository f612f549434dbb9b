// The chain engine (host/chain) with the real Cuckoo consensus table: blocks are mined, checked
// and imported; targets follow the block time; the beneficiary is paid; and of two competing
// branches the one with more cumulative work wins, even when it is shorter. Small graphs (12 edge
// bits, lean solver) and manual clocks keep it deterministic: nonces are tried from 0, so the same
// header always gets the same seal.
#include "chain/chain.h"
#include "memory_kv.h"

#include <bciin/cuckoo/consensus.h>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace bciin {
namespace {

using chain::Block;
using chain::Chain;
using chain::ImportResult;
using chain::KeyPair;
using chain::PublicKey;

constexpr uint64_t kGenesisTime = 1'700'000'000'000;
constexpr uint64_t kBlockTime = 10'000;
constexpr uint32_t kInitialTarget = 0x207fffff;  // about 2^255: half of all cycles meet it

KeyPair Key(uint8_t tag) {
  std::array<uint8_t, 32> seed{};
  seed[0] = tag;
  return KeyPair::FromSeed(seed);
}

cuckoo::ConsensusOptions Options() {
  cuckoo::ConsensusOptions o;
  o.edge_bits = 12;
  o.solver = cuckoo::SolverKind::kLean;
  o.retarget.block_time_ms = kBlockTime;
  o.retarget.window = 2;
  o.retarget.max_future_ms = 3 * kBlockTime;
  o.initial_target = kInitialTarget;
  o.report_ms = 0;
  return o;
}

chain::Genesis TestGenesis() {
  chain::Genesis g;
  g.params.network_id = "bciin-cuckoo-test";
  g.params.genesis_time_ms = kGenesisTime;
  g.params.block_reward = chain::Amount(1000);
  g.accounts.push_back({Key(1).public_key(), chain::Amount(1'000'000)});
  return g;
}

// One node: an in-memory store, the Cuckoo consensus, the engine, a manual clock.
class Node {
 public:
  Node() : consensus_(Options()), cons_table_(&consensus_) {
    chain::ChainOptions o;
    o.verify_threads = 1;
    o.node_cache = 1 << 14;
    o.clock_ms = [this] { return clock_; };
    Status s = Chain::Open(sdk::KvStore(kv_table_.table()), sdk::ConsensusClient(cons_table_.table()), {}, nullptr,
                           TestGenesis(), o, &chain_);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  Chain& chain() { return *chain_; }
  // Mines a block `after_ms` after the head.
  Block Mine(uint64_t after_ms, const PublicKey& beneficiary) {
    clock_ = chain_->head().time_ms + after_ms;
    Block b;
    ImportResult r;
    Status s = chain_->ProduceBlock(beneficiary, [] { return false; }, &b, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(r.new_head);
    return b;
  }
  Status Import(const Block& b, ImportResult* r = nullptr) {
    clock_ = std::max(clock_, b.header.time_ms);
    return chain_->ImportBlock(b, r);
  }
  uint32_t HeadTarget() const {
    const chain::Header h = chain_->head();
    return *cuckoo::decode_fields({h.consensus.data(), h.consensus.size()});
  }
  chain::Amount Balance(const PublicKey& k) const {
    std::optional<chain::Account> a;
    EXPECT_TRUE(chain_->GetAccount(k, &a).ok());
    return a ? a->balance : chain::Amount();
  }
  chain::Amount Weight() const {
    chain::BlockMeta m;
    EXPECT_TRUE(chain_->GetMeta(chain_->head_hash(), &m).ok());
    return m.total_weight;
  }
  const cuckoo::CuckooConsensus& consensus() const { return consensus_; }

 private:
  uint64_t clock_ = kGenesisTime;
  storage::MemoryKv kv_;
  sdk::KvServiceTable kv_table_{&kv_};
  cuckoo::CuckooConsensus consensus_;
  sdk::ConsensusServiceTable cons_table_;
  std::unique_ptr<Chain> chain_;
};

TEST(CuckooEngine, MinesVerifiesAndRetargets) {
  Node miner, validator;
  const PublicKey beneficiary = Key(7).public_key();
  std::vector<Block> blocks;
  std::vector<uint32_t> targets;
  // Blocks at a quarter of the block time: once the window is full, every target is lower.
  for (int i = 0; i < 6; ++i) {
    blocks.push_back(miner.Mine(kBlockTime / 4, beneficiary));
    targets.push_back(miner.HeadTarget());
  }
  EXPECT_EQ(miner.chain().head().height, 6u);
  EXPECT_EQ(targets[0], kInitialTarget);
  EXPECT_EQ(targets[1], kInitialTarget);
  EXPECT_EQ(targets[2], kInitialTarget);  // window 2: the first retarget is the 4th block
  for (size_t i = 3; i < targets.size(); ++i)
    EXPECT_LT(*cuckoo::compact_to_target(targets[i]), *cuckoo::compact_to_target(targets[i - 1])) << i;
  EXPECT_EQ(miner.consensus().mining_stats().seals, 6u);
  // The rewards went to the configured beneficiary.
  EXPECT_EQ(miner.Balance(beneficiary), chain::Amount(6 * 1000));

  // Another node checks every seal and target and follows.
  for (const Block& b : blocks) {
    ImportResult r;
    ASSERT_TRUE(validator.Import(b, &r).ok());
    EXPECT_TRUE(r.new_head);
  }
  EXPECT_EQ(validator.chain().head_hash(), miner.chain().head_hash());
  EXPECT_EQ(validator.Weight(), miner.Weight());

  // Then slow blocks: the target rises again (up to the highest).
  const uint32_t low = miner.HeadTarget();
  for (int i = 0; i < 3; ++i) miner.Mine(5 * kBlockTime, beneficiary);
  EXPECT_GT(*cuckoo::compact_to_target(miner.HeadTarget()), *cuckoo::compact_to_target(low));
}

TEST(CuckooEngine, TamperedBlocksAreRejectedWithReasons) {
  Node miner, validator;
  const PublicKey beneficiary = Key(7).public_key();
  Block b = miner.Mine(kBlockTime, beneficiary);

  // Redirecting the reward changes the graph: the seal is no cycle of it.
  Block thief = b;
  thief.header.beneficiary = Key(8).public_key();
  Status s = validator.Import(thief);
  EXPECT_TRUE(s.is(BCIIN_ERR_REJECTED)) << s.ToString();
  EXPECT_NE(s.message().find("not a 42-cycle of this header's graph"), std::string::npos) << s.ToString();

  Block easy = b;
  easy.header.consensus = {0xff, 0xff, 0x00, 0x21};
  s = validator.Import(easy);
  EXPECT_NE(s.message().find("wrong target 0x2100ffff"), std::string::npos) << s.ToString();

  Block bits = b;
  bits.header.seal[0] = 13;
  s = validator.Import(bits);
  EXPECT_NE(s.message().find("wrong edge bits 13"), std::string::npos) << s.ToString();

  Block none = b;
  none.header.seal.clear();
  s = validator.Import(none);
  EXPECT_NE(s.message().find("malformed seal"), std::string::npos) << s.ToString();

  // The original still imports.
  EXPECT_TRUE(validator.Import(b).ok());
}

TEST(CuckooEngine, MoreCumulativeWorkWinsOverMoreBlocks) {
  // Branch A: 6 slow blocks; its targets rise, so its later blocks weigh little.
  Node a;
  std::vector<Block> branch_a;
  for (int i = 0; i < 6; ++i) branch_a.push_back(a.Mine(6 * kBlockTime, Key(10).public_key()));
  // Branch B: 5 fast blocks; its targets fall, so its later blocks weigh more.
  Node b;
  std::vector<Block> branch_b;
  for (int i = 0; i < 5; ++i) branch_b.push_back(b.Mine(kBlockTime / 8, Key(11).public_key()));
  ASSERT_GT(b.Weight(), a.Weight()) << "the test's branches must differ in work the other way round";
  ASSERT_LT(b.chain().head().height, a.chain().head().height);

  // A node on branch A is handed branch B: it switches once B's work exceeds A's.
  bool switched = false;
  for (size_t i = 0; i < branch_b.size(); ++i) {
    ImportResult r;
    ASSERT_TRUE(a.Import(branch_b[i], &r).ok());
    if (r.new_head) {
      EXPECT_FALSE(switched);
      switched = true;
      EXPECT_EQ(r.reorg_depth, 6u);
    }
  }
  EXPECT_TRUE(switched);
  EXPECT_EQ(a.chain().head_hash(), b.chain().head_hash());
  EXPECT_EQ(a.Weight(), b.Weight());
  EXPECT_EQ(a.Balance(Key(11).public_key()), chain::Amount(5 * 1000));
  EXPECT_EQ(a.Balance(Key(10).public_key()), chain::Amount());

  // A node on branch B is handed the longer branch A: it stays.
  for (const Block& blk : branch_a) {
    ImportResult r;
    ASSERT_TRUE(b.Import(blk, &r).ok());
    EXPECT_FALSE(r.new_head);
  }
  EXPECT_EQ(b.chain().head().height, 5u);
}

}  // namespace
}  // namespace bciin
