// SipHash-2-4 as Cuckoo Cycle uses it: a 256-bit key loaded straight into the four state words
// (no "somepseudorandomlygeneratedbytes" constants), one 64-bit message word, no length block.
// A library SipHash cannot be used as-is (cuckoo.md section 3).
#pragma once

#include <cstdint>

namespace bciin::cuckoo {

struct SipKeys {
  uint64_t k0 = 0, k1 = 0, k2 = 0, k3 = 0;
  friend bool operator==(const SipKeys&, const SipKeys&) = default;
};

namespace detail {
constexpr uint64_t rotl(uint64_t x, unsigned b) { return (x << b) | (x >> (64 - b)); }
}  // namespace detail

// siphash24(k, m): the Cuckoo variant of SipHash-2-4 over the single word m.
constexpr uint64_t siphash24(const SipKeys& k, uint64_t m) {
  uint64_t v0 = k.k0, v1 = k.k1, v2 = k.k2, v3 = k.k3 ^ m;
  auto round = [&] {
    v0 += v1; v2 += v3; v1 = detail::rotl(v1, 13); v3 = detail::rotl(v3, 16);
    v1 ^= v0; v3 ^= v2; v0 = detail::rotl(v0, 32);
    v2 += v1; v0 += v3; v1 = detail::rotl(v1, 17); v3 = detail::rotl(v3, 21);
    v1 ^= v2; v3 ^= v0; v2 = detail::rotl(v2, 32);
  };
  round(); round();
  v0 ^= m;
  v2 ^= 0xff;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}

// The endpoint of edge `edge` on side `side` (0 = U, 1 = V): siphash24(k, 2*edge + side) & edge_mask,
// computed in 64 bits so that edge indices at or above 2^31 do not overflow.
constexpr uint64_t sipnode(const SipKeys& k, uint64_t edge, unsigned side, uint64_t edge_mask) {
  return siphash24(k, 2 * edge + side) & edge_mask;
}

// 2^edge_bits - 1, for 1 <= edge_bits <= 63.
constexpr uint64_t edge_mask_for(unsigned edge_bits) { return (uint64_t{1} << edge_bits) - 1; }

}  // namespace bciin::cuckoo
