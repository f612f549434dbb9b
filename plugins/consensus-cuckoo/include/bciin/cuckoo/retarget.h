// Retargeting toward a configured block time, DigiShield-style (the scheme aeternity runs, see
// chain-mechanisms.md section 8), in integer arithmetic so that every node computes the same value:
//
//   window        the last `window` + 1 blocks (oldest first): window solve times and targets
//   solve time    t[i] - t[i-1], clamped to [-max_future_ms, 6 * block_time_ms]
//   tempered      (75 * window * T + 25 * sum(solve times)) / 100 ; with T = block_time_ms
//   new target    mean(targets of the last `window` blocks) * tempered / (window * T),
//                 at most `highest_target`, at least 1
//
// Fewer blocks than window + 1 (a young chain) keeps the parent's target.
#pragma once

#include <cstdint>
#include <span>

#include <bciin/sdk/status.hpp>
#include "bciin/cuckoo/uint256.h"

namespace bciin::cuckoo {

struct RetargetParams {
  uint64_t block_time_ms = 180'000;          // the configured block time T
  unsigned window = 17;                      // blocks averaged over
  uint64_t max_future_ms = 540'000;          // lower clamp of a solve time is -max_future_ms
  uint32_t highest_target = 0x2100ffff;      // compact; the easiest target allowed
};

struct BlockTiming {
  uint64_t timestamp_ms = 0;
  uint32_t compact_target = 0;
};

// Checks params: block_time_ms > 0, window >= 1, highest_target a valid compact.
Status check_retarget_params(const RetargetParams& params);

// The compact target of the block that follows `recent` (oldest first, the parent last). Requires
// check_retarget_params(params).ok() and at least one block in `recent`. Invalid compact targets in
// `recent` are treated as the highest target.
uint32_t next_compact_target(std::span<const BlockTiming> recent, const RetargetParams& params);

}  // namespace bciin::cuckoo
