#include "siphash_batch.h"

#include "multiversion.h"

// The 16-lane vector type only lives inside this file's inlined helpers; no ABI crosses with it.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace bciin::cuckoo::detail {
namespace {

// 16 lanes: two AVX-512 vectors (four AVX2) per operation, so two independent chains of siphash rounds
// are in flight and each round's latency is hidden (faster than 8 lanes at 29 edge bits).
constexpr size_t kLanes = 16;
typedef uint64_t Lanes __attribute__((vector_size(kLanes * sizeof(uint64_t))));

__attribute__((always_inline)) inline Lanes rotl(Lanes x, unsigned b) { return (x << b) | (x >> (64 - b)); }

__attribute__((always_inline)) inline Lanes siphash_lanes(const SipKeys& k, Lanes m) {
  Lanes v0 = Lanes{} + k.k0, v1 = Lanes{} + k.k1, v2 = Lanes{} + k.k2, v3 = (Lanes{} + k.k3) ^ m;
  auto round = [&] {
    v0 += v1; v2 += v3; v1 = rotl(v1, 13); v3 = rotl(v3, 16);
    v1 ^= v0; v3 ^= v2; v0 = rotl(v0, 32);
    v2 += v1; v0 += v3; v1 = rotl(v1, 17); v3 = rotl(v3, 21);
    v1 ^= v2; v3 ^= v0; v2 = rotl(v2, 32);
  };
  round(); round();
  v0 ^= m;
  v2 ^= 0xff;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace

BCIIN_MULTIVERSION
void sipnodes(const SipKeys& keys, const uint64_t* edges, size_t count, unsigned side, uint64_t mask,
              uint64_t* out) {
  size_t i = 0;
  for (; i + kLanes <= count; i += kLanes) {
    Lanes m;
    for (size_t l = 0; l < kLanes; ++l) m[l] = 2 * edges[i + l] + side;
    Lanes h = siphash_lanes(keys, m) & mask;
    for (size_t l = 0; l < kLanes; ++l) out[i + l] = h[l];
  }
  for (; i < count; ++i) out[i] = sipnode(keys, edges[i], side, mask);
}

BCIIN_MULTIVERSION
void sipnodes_range(const SipKeys& keys, uint64_t first, size_t count, unsigned side, uint64_t mask,
                    uint64_t* out) {
  size_t i = 0;
  Lanes m;
  for (size_t l = 0; l < kLanes; ++l) m[l] = 2 * (first + l) + side;
  for (; i + kLanes <= count; i += kLanes) {
    Lanes h = siphash_lanes(keys, m) & mask;
    for (size_t l = 0; l < kLanes; ++l) out[i + l] = h[l];
    m += 2 * kLanes;
  }
  for (; i < count; ++i) out[i] = sipnode(keys, first + i, side, mask);
}

}  // namespace bciin::cuckoo::detail
