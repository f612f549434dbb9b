// CuckooConsensus through its bciin.consensus/1 table, as the engine calls it: fields, retargeting,
// seals produced and checked, rejections with reasons, weight, cancellation.
#include "bciin/cuckoo/consensus.h"

#include <gtest/gtest.h>

#include <cstring>
#include <future>
#include <thread>
#include <vector>

#include "bciin/cuckoo/proof.h"

namespace bciin::cuckoo {
namespace {

constexpr unsigned kBits = 12;
constexpr uint64_t kBlockTime = 1000;

ConsensusOptions Options() {
  ConsensusOptions o;
  o.edge_bits = kBits;
  o.solver = SolverKind::kLean;
  o.threads = 1;
  o.retarget.block_time_ms = kBlockTime;
  o.retarget.window = 3;
  o.retarget.max_future_ms = 3 * kBlockTime;
  o.initial_target = 0x207fffff;  // about 2^255: half of all cycles meet it, and room to move both ways
  o.report_ms = 0;
  return o;
}

// A header of a synthetic chain; its spans point into the object.
struct Block {
  uint64_t height = 0;
  uint64_t time_ms = 0;
  std::array<uint8_t, 32> seal_hash{};
  std::string fields, seal;

  bciin_consensus_header View() const {
    bciin_consensus_header h{};
    h.size = sizeof(h);
    h.height = height;
    h.time_ms = time_ms;
    std::memcpy(h.seal_hash, seal_hash.data(), 32);
    h.fields = {reinterpret_cast<const uint8_t*>(fields.data()), fields.size()};
    h.seal = {reinterpret_cast<const uint8_t*>(seal.data()), seal.size()};
    return h;
  }
};

class Harness {
 public:
  explicit Harness(ConsensusOptions o = Options())
      : backend_(std::move(o)), table_(&backend_), client_(table_.table()) {
    Block genesis;
    genesis.seal_hash[0] = 0x99;
    chain_.push_back(genesis);
  }

  sdk::AncestorFn Ancestors() {
    return [this](uint64_t h, bciin_consensus_header* out) -> Status {
      if (h >= chain_.size()) return Status::NotFound("no block at " + std::to_string(h));
      *out = chain_[h].View();
      return Status();
    };
  }
  // An unsealed child of the tip at `time_ms`, its fields from the service.
  Block Next(uint64_t time_ms) {
    Block b;
    b.height = chain_.size();
    b.time_ms = time_ms;
    b.seal_hash[0] = static_cast<uint8_t>(b.height);
    b.seal_hash[1] = static_cast<uint8_t>(time_ms);
    b.seal_hash[31] = 0x5a;
    EXPECT_TRUE(client_.NextFields(chain_.back().View(), time_ms, Ancestors(), &b.fields).ok());
    return b;
  }
  Status Seal(Block* b, const std::function<bool()>& cancelled = [] { return false; }) {
    return client_.ProduceSeal(b->View(), cancelled, &b->seal);
  }
  Status Check(const Block& b) { return client_.CheckSeal(b.View(), chain_.back().View(), Ancestors()); }
  // Mines and appends a block at `time_ms`.
  void Mine(uint64_t time_ms) {
    Block b = Next(time_ms);
    ASSERT_TRUE(Seal(&b).ok());
    ASSERT_TRUE(Check(b).ok()) << Check(b).ToString();
    chain_.push_back(b);
  }
  uint32_t Target(const Block& b) const { return *decode_fields(b.View().fields); }

  CuckooConsensus backend_;
  sdk::ConsensusServiceTable table_;
  sdk::ConsensusClient client_;
  std::vector<Block> chain_;
};

TEST(CuckooConsensus, FieldsAreTheCompactTargetLittleEndian) {
  EXPECT_EQ(encode_fields(0x2100ffff), std::string("\xff\xff\x00\x21", 4));
  const std::string f = encode_fields(0x1d00ffff);
  EXPECT_EQ(decode_fields({reinterpret_cast<const uint8_t*>(f.data()), f.size()}), 0x1d00ffffu);
  EXPECT_EQ(decode_fields({reinterpret_cast<const uint8_t*>(f.data()), 3}), std::nullopt);
}

TEST(CuckooConsensus, OptionsAreChecked) {
  EXPECT_TRUE(check_consensus_options(Options()).ok());
  ConsensusOptions o = Options();
  o.edge_bits = 5;
  EXPECT_TRUE(check_consensus_options(o).is(BCIIN_ERR_INVALID_ARGUMENT));
  o = Options();
  o.edge_bits = 24;
  o.solver = SolverKind::kMean;
  o.memory_cap_bytes = 1 << 20;
  EXPECT_TRUE(check_consensus_options(o).is(BCIIN_ERR_RESOURCE)) << check_consensus_options(o).ToString();
  o = Options();
  o.initial_target = 0x2200ffff;
  EXPECT_TRUE(check_consensus_options(o).is(BCIIN_ERR_INVALID_ARGUMENT));
  o = Options();
  o.initial_target = 0x00800000;
  EXPECT_TRUE(check_consensus_options(o).is(BCIIN_ERR_INVALID_ARGUMENT));
  o = Options();
  o.retarget.window = 0;
  EXPECT_FALSE(check_consensus_options(o).ok());
}

TEST(CuckooConsensus, MinesAndVerifiesWithWorkAsWeight) {
  Harness h;
  const Block b = h.Next(kBlockTime);
  EXPECT_EQ(h.Target(b), 0x207fffffu);  // the first block gets the initial target
  Block sealed = b;
  ASSERT_TRUE(h.Seal(&sealed).ok());
  ASSERT_EQ(sealed.seal.size(), seal_size(kBits));
  EXPECT_TRUE(h.Check(sealed).ok()) << h.Check(sealed).ToString();
  uint64_t weight = 0;
  ASSERT_TRUE(h.client_.Weight(sealed.View(), &weight).ok());
  EXPECT_EQ(weight, block_weight(0x207fffff));
  const MiningStats st = h.backend_.mining_stats();
  EXPECT_EQ(st.seals, 1u);
  EXPECT_GE(st.graphs, 1u);
  EXPECT_GE(st.cycles, 1u);
}

TEST(CuckooConsensus, RejectsWrongTargetEdgeBitsHeaderHashAndHash) {
  Harness h;
  Block good = h.Next(kBlockTime);
  ASSERT_TRUE(h.Seal(&good).ok());
  ASSERT_TRUE(h.Check(good).ok());

  Block wrong_target = good;
  wrong_target.fields = encode_fields(0x2100ffff);
  Status s = h.Check(wrong_target);
  EXPECT_TRUE(s.is(BCIIN_ERR_REJECTED));
  EXPECT_NE(s.message().find("wrong target 0x2100ffff, the retarget rule gives 0x207fffff"), std::string::npos) << s.ToString();

  Block no_fields = good;
  no_fields.fields.clear();
  EXPECT_NE(h.Check(no_fields).message().find("consensus fields of 0 bytes"), std::string::npos);

  // The same seal claiming 13 edge bits is 173 bytes all the same; the network runs 12.
  Block wrong_bits = good;
  wrong_bits.seal[0] = static_cast<char>(kBits + 1);
  s = h.Check(wrong_bits);
  EXPECT_NE(s.message().find("wrong edge bits 13, this network uses 12"), std::string::npos) << s.ToString();

  Block short_seal = good;
  short_seal.seal.pop_back();
  EXPECT_NE(h.Check(short_seal).message().find("malformed seal"), std::string::npos);

  // Another header hash: another graph.
  Block wrong_header = good;
  wrong_header.seal_hash[5] ^= 1;
  s = h.Check(wrong_header);
  EXPECT_TRUE(s.is(BCIIN_ERR_REJECTED));
  EXPECT_NE(s.message().find("not a 42-cycle of this header's graph: POW_"), std::string::npos) << s.ToString();

  // Another nonce: another graph too.
  Block wrong_nonce = good;
  wrong_nonce.seal[1] ^= 0x40;
  EXPECT_NE(h.Check(wrong_nonce).message().find("not a 42-cycle"), std::string::npos);

  // The same seal under a network whose first target is far lower.
  ConsensusOptions hard = Options();
  hard.initial_target = 0x03000001;
  Harness h2(hard);
  Block under_hard = good;
  under_hard.fields = encode_fields(0x03000001);
  s = h2.Check(under_hard);
  EXPECT_NE(s.message().find("is not below the target 0x03000001"), std::string::npos) << s.ToString();
}

TEST(CuckooConsensus, RetargetsTowardTheBlockTime) {
  // Fast blocks (a quarter of the block time): after the window fills, the target falls.
  Harness fast;
  for (int i = 1; i <= 4; ++i) fast.Mine(i * kBlockTime / 4);  // heights 1..4, window 3: 4 blocks
  EXPECT_EQ(fast.Target(fast.chain_[4]), 0x207fffffu);          // young chain: unchanged
  Block next = fast.Next(5 * kBlockTime / 4);
  EXPECT_LT(*compact_to_target(fast.Target(next)), *compact_to_target(0x207fffff));
  EXPECT_EQ(fast.Target(next), next_compact_target(std::vector<BlockTiming>{{250, 0x207fffff}, {500, 0x207fffff},
                                                                           {750, 0x207fffff}, {1000, 0x207fffff}},
                                                    Options().retarget));
  // Slow blocks: the target rises.
  Harness slow;
  for (int i = 1; i <= 4; ++i) slow.Mine(i * 5 * kBlockTime);
  next = slow.Next(25 * kBlockTime);
  EXPECT_GT(*compact_to_target(slow.Target(next)), *compact_to_target(0x207fffff));
  // On time: unchanged.
  Harness steady;
  for (int i = 1; i <= 4; ++i) steady.Mine(i * kBlockTime);
  EXPECT_EQ(steady.Target(steady.Next(5 * kBlockTime)), 0x207fffffu);
  // Every retargeted block still checks against the rule.
  fast.Mine(5 * kBlockTime / 4);
  uint64_t w_fast = 0, w_first = 0;
  ASSERT_TRUE(fast.client_.Weight(fast.chain_[5].View(), &w_fast).ok());
  ASSERT_TRUE(fast.client_.Weight(fast.chain_[1].View(), &w_first).ok());
  EXPECT_GT(w_fast, w_first);  // a harder target weighs more
}

TEST(CuckooConsensus, CancelledByTheEngine) {
  ConsensusOptions o = Options();
  o.initial_target = 0x03000001;  // practically impossible
  Harness h(o);
  Block b = h.Next(kBlockTime);
  int polls = 0;
  Status s = h.Seal(&b, [&] { return ++polls > 3; });
  EXPECT_TRUE(s.is(BCIIN_ERR_CANCELLED)) << s.ToString();
  EXPECT_NE(s.message().find("cancelled by the engine"), std::string::npos) << s.ToString();
  EXPECT_TRUE(b.seal.empty());
}

TEST(CuckooConsensus, RefreshesTheTemplate) {
  ConsensusOptions o = Options();
  o.initial_target = 0x03000001;
  o.refresh_ms = 30;
  Harness h(o);
  Block b = h.Next(kBlockTime);
  Status s = h.Seal(&b);
  EXPECT_TRUE(s.is(BCIIN_ERR_CANCELLED));
  EXPECT_NE(s.message().find("refreshing the block template"), std::string::npos) << s.ToString();
}

TEST(CuckooConsensus, StopsWhenTheTipMoves) {
  Harness h;
  Block rival = h.Next(kBlockTime);
  ASSERT_TRUE(h.Seal(&rival).ok());
  // Our own block at the same height, with a target nothing meets (produce_seal takes the
  // target from the fields as given).
  Block ours = h.Next(kBlockTime + 1);
  ours.fields = encode_fields(0x03000001);
  auto mining = std::async(std::launch::async, [&] { return h.Seal(&ours); });
  // The rival arrives and passes the check: the miner gives up on its block.
  while (mining.wait_for(std::chrono::milliseconds(10)) != std::future_status::ready)
    ASSERT_TRUE(h.Check(rival).ok());
  const Status s = mining.get();
  EXPECT_TRUE(s.is(BCIIN_ERR_CANCELLED));
  EXPECT_NE(s.message().find("the tip moved"), std::string::npos) << s.ToString();
}

TEST(CuckooConsensus, MeanSolverMinesToo) {
  ConsensusOptions o = Options();
  o.solver = SolverKind::kMean;
  o.threads = 2;
  Harness h(o);
  h.Mine(kBlockTime);
  h.Mine(2 * kBlockTime);
  EXPECT_EQ(h.chain_.size(), 3u);
}

}  // namespace
}  // namespace bciin::cuckoo
