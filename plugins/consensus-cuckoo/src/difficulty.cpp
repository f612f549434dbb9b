#include "bciin/cuckoo/difficulty.h"

namespace bciin::cuckoo {

Hash256 cycle_hash(const Proof& edges, unsigned edge_bits) {
  return blake2b_256(encode_edges_be(edges, edge_bits));
}

Hash256 reference_cyclehash(const Proof& edges, unsigned edge_bits) {
  const size_t width = edge_bits <= 16 ? 2 : edge_bits <= 32 ? 4 : 8;
  std::vector<uint8_t> bytes;
  bytes.reserve(kProofSize * width);
  for (uint64_t e : edges)
    for (size_t i = 0; i < width; ++i) bytes.push_back(static_cast<uint8_t>(e >> (8 * i)));
  return blake2b_256(bytes);
}

std::optional<U256> compact_to_target(uint32_t compact) {
  const unsigned exponent = compact >> 24;
  const uint32_t significand = compact & 0x007fffff;
  if (compact & 0x00800000) return std::nullopt;  // Bitcoin's sign bit; never valid here
  if (significand == 0) return std::nullopt;      // a zero target admits nothing
  if (exponent <= 3) return U256(significand >> (8 * (3 - exponent)));
  const unsigned shift = 8 * (exponent - 3);
  U256 value(significand);
  // Must fit 256 bits: significand bit length + shift <= 256.
  if (value.bit_length() + shift > 256) return std::nullopt;
  return value << shift;
}

uint32_t target_to_compact(const U256& target) {
  unsigned size = (target.bit_length() + 7) / 8;
  uint32_t significand;
  if (size <= 3) {
    significand = static_cast<uint32_t>(target.limb(0) << (8 * (3 - size)));
  } else {
    significand = static_cast<uint32_t>((target >> (8 * (size - 3))).limb(0));
  }
  // Keep the top significand bit clear (it is the sign bit in Bitcoin's layout).
  if (significand & 0x00800000) {
    significand >>= 8;
    ++size;
  }
  return (static_cast<uint32_t>(size) << 24) | significand;
}

bool hash_meets_target(const Hash256& hash, const U256& target) { return U256::from_be_bytes(hash) < target; }

bool hash_meets_compact(const Hash256& hash, uint32_t compact) {
  const std::optional<U256> target = compact_to_target(compact);
  return target && hash_meets_target(hash, *target);
}

U256 work_for_target(const U256& target) {
  if (target.is_zero()) return U256::max();
  // floor(2^256 / (t + 1)) == floor((2^256 - t - 1) / (t + 1)) + 1 == ~t / (t + 1) + 1, all in 256 bits.
  if (target == U256::max()) return U256(1);
  return (~target) / (target + U256(1)) + U256(1);
}

U256 work_for_compact(uint32_t compact) {
  const std::optional<U256> target = compact_to_target(compact);
  return target ? work_for_target(*target) : U256(0);
}

uint64_t block_weight(uint32_t compact) {
  const std::optional<U256> target = compact_to_target(compact);
  if (!target) return 0;
  const U256 w = work_for_target(*target >> 16);
  if (w.limb(1) | w.limb(2) | w.limb(3)) return UINT64_MAX;
  return w.limb(0);
}

}  // namespace bciin::cuckoo
