#include "bciin/cuckoo/retarget.h"

#include <gtest/gtest.h>

#include "bciin/cuckoo/difficulty.h"

namespace bciin::cuckoo {
namespace {

std::vector<BlockTiming> chain(unsigned blocks, uint64_t spacing_ms, uint32_t compact) {
  std::vector<BlockTiming> out;
  for (unsigned i = 0; i < blocks; ++i) out.push_back({1'000'000 + i * spacing_ms, compact});
  return out;
}

RetargetParams params() {
  RetargetParams p;
  p.block_time_ms = 10'000;
  p.window = 17;
  p.max_future_ms = 30'000;
  p.highest_target = 0x2100ffff;
  return p;
}

TEST(Retarget, ChecksParams) {
  EXPECT_TRUE(check_retarget_params(params()).ok());
  RetargetParams p = params();
  p.block_time_ms = 0;
  EXPECT_FALSE(check_retarget_params(p).ok());
  p = params();
  p.window = 0;
  EXPECT_FALSE(check_retarget_params(p).ok());
  p = params();
  p.highest_target = 0x04800000;
  EXPECT_FALSE(check_retarget_params(p).ok());
}

TEST(Retarget, YoungChainKeepsParentTarget) {
  EXPECT_EQ(next_compact_target(chain(5, 1, 0x1d00ffff), params()), 0x1d00ffffu);
  EXPECT_EQ(next_compact_target({}, params()), 0x2100ffffu);
}

TEST(Retarget, OnScheduleStaysNearlyConstant) {
  const uint32_t next = next_compact_target(chain(30, 10'000, 0x1d00ffff), params());
  const U256 before = *compact_to_target(0x1d00ffff), after = *compact_to_target(next);
  // Tempered timespan is exactly the ideal when blocks are on time.
  EXPECT_EQ(after, before);
}

TEST(Retarget, FastBlocksLowerTheTargetSlowRaiseIt) {
  const U256 base = *compact_to_target(0x1d00ffff);
  const U256 fast = *compact_to_target(next_compact_target(chain(30, 2'000, 0x1d00ffff), params()));
  const U256 slow = *compact_to_target(next_compact_target(chain(30, 40'000, 0x1d00ffff), params()));
  EXPECT_LT(fast, base);
  EXPECT_GT(slow, base);
  // Tempering: 2 s blocks against 10 s give 0.75 + 0.25 * 0.2 = 0.8 of the target.
  EXPECT_EQ(fast, *compact_to_target(target_to_compact(U256::mul(base, 8) / U256(10))));
}

TEST(Retarget, ClampedToHighestTarget) {
  EXPECT_EQ(next_compact_target(chain(30, 1'000'000, 0x2100ffff), params()), 0x2100ffffu);
}

TEST(Retarget, TimestampsGoingBackwardsAreClamped) {
  std::vector<BlockTiming> c = chain(30, 10'000, 0x1d00ffff);
  c[20].timestamp_ms -= 1'000'000;  // far in the past: two solve times clamped at -30 s and +60 s
  const uint32_t next = next_compact_target(c, params());
  EXPECT_TRUE(compact_to_target(next).has_value());
}

TEST(Retarget, InvalidTargetsInWindowCountAsHighest) {
  std::vector<BlockTiming> c = chain(30, 10'000, 0x04800000);
  EXPECT_EQ(next_compact_target(c, params()), 0x2100ffffu);
}

}  // namespace
}  // namespace bciin::cuckoo
