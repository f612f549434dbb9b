#include "bciin/cuckoo/retarget.h"

#include <fmt/format.h>

#include <algorithm>

#include "bciin/cuckoo/difficulty.h"

namespace bciin::cuckoo {

Status check_retarget_params(const RetargetParams& params) {
  if (params.block_time_ms == 0) return Status::InvalidArgument("block_time_ms must be positive");
  if (params.window == 0) return Status::InvalidArgument("window must be at least 1");
  if (params.window > 10'000) return Status::InvalidArgument("window above 10000 blocks");
  if (params.block_time_ms > (uint64_t{1} << 40)) return Status::InvalidArgument("block_time_ms too large");
  if (!compact_to_target(params.highest_target))
    return Status::InvalidArgument(fmt::format("highest_target {:#010x} is not a valid compact", params.highest_target));
  return Status();
}

uint32_t next_compact_target(std::span<const BlockTiming> recent, const RetargetParams& params) {
  const U256 highest = *compact_to_target(params.highest_target);
  auto target_of = [&](const BlockTiming& b) {
    const std::optional<U256> t = compact_to_target(b.compact_target);
    return t ? std::min(*t, highest) : highest;
  };
  if (recent.empty()) return params.highest_target;
  const size_t n = params.window;
  if (recent.size() < n + 1) return target_to_compact(target_of(recent.back()));

  const auto window = recent.subspan(recent.size() - (n + 1));
  const int64_t block_time = static_cast<int64_t>(params.block_time_ms);
  const int64_t lower = -static_cast<int64_t>(std::min<uint64_t>(params.max_future_ms, uint64_t{1} << 40));
  const int64_t upper = 6 * block_time;
  // Targets near the highest are close to 2^256: sum them shifted right by 16 bits so that up to
  // 10000 of them cannot wrap; small targets are summed exactly.
  unsigned shift = 0;
  for (size_t i = 1; i <= n; ++i)
    if (target_of(window[i]).bit_length() > 240) shift = 16;
  int64_t sum = 0;
  U256 target_sum;
  for (size_t i = 1; i <= n; ++i) {
    const int64_t dt = static_cast<int64_t>(window[i].timestamp_ms - window[i - 1].timestamp_ms);
    sum += std::clamp(dt, lower, upper);
    target_sum = target_sum + (target_of(window[i]) >> shift);
  }
  const int64_t ideal = static_cast<int64_t>(n) * block_time;
  // Tempered timespan: 3/4 of the ideal plus 1/4 of the measured, floored at 1 ms.
  const uint64_t tempered = static_cast<uint64_t>(std::max<int64_t>(1, (75 * ideal + 25 * sum) / 100));

  // mean * tempered / ideal = target_sum * tempered / D with D = n * ideal, split as
  // (target_sum / D) * tempered + (target_sum % D) * tempered / D so that nothing wraps silently.
  const U256 d = U256::mul(U256(static_cast<uint64_t>(ideal)), n);  // <= 10000 * 10000 * 2^40
  U256 q, r;
  U256::divmod(target_sum, d, &q, &r);
  bool overflow = false;
  U256 next = U256::mul(q, tempered, &overflow);
  next = U256::add_saturating(next, U256::mul(r, tempered) / d);
  if (!overflow && shift) overflow = next.bit_length() + shift > 256;
  if (!overflow) next = next << shift;
  if (overflow || next > highest) next = highest;
  if (next.is_zero()) next = U256(1);
  return target_to_compact(next);
}

}  // namespace bciin::cuckoo
