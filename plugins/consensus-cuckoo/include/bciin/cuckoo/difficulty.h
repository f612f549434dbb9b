// The difficulty layer on top of the cycle (cuckoo.md section 10.4, BCIIN default):
//   cycle hash   blake2b-256 of the 42 indices ascending, each u32 big-endian (u64 above 31 edge bits)
//   target       256-bit, carried as a 32-bit compact value (Bitcoin nBits rules, pinned by the aeternity
//                vectors of cuckoo.md 11.7): exponent byte e, 23-bit significand s, value = s * 256^(e-3);
//                bit 0x00800000 (sign in Bitcoin) is invalid here
//   valid seal   cycle hash, read big-endian, strictly below the target
//   work         floor(2^256 / (target + 1)); chain weight = sum of work, compared only at equal edge bits
//   retarget     DigiShield-style over a window of recent blocks (see retarget.h)
// Order of checks for a seal: decode and length, then the target (one blake2b), then the cycle.
#pragma once

#include <cstdint>
#include <optional>

#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/uint256.h"

namespace bciin::cuckoo {

// The highest target BCIIN allows anywhere: 0xFFFF * 2^240 (compact 0x2100ffff).
inline constexpr uint32_t kHighestCompactTarget = 0x2100ffff;

// The target hash: blake2b-256 of encode_edges_be(edges, edge_bits).
Hash256 cycle_hash(const Proof& edges, unsigned edge_bits);

// What the reference solver prints as "Verified with cyclehash ...": blake2b-256 of the indices as
// little-endian words of 2 (edge_bits <= 16), 4 (17..32) or 8 bytes. For cross-checks only.
Hash256 reference_cyclehash(const Proof& edges, unsigned edge_bits);

// Compact -> 256-bit. Returns nullopt for the sign bit set, a zero significand... (zero target),
// or a value that does not fit 256 bits.
std::optional<U256> compact_to_target(uint32_t compact);

// 256-bit -> compact, rounding down (the lost low bits are dropped, as Bitcoin's GetCompact does).
uint32_t target_to_compact(const U256& target);

// True iff the hash, read as a big-endian 256-bit integer, is strictly below `target`.
bool hash_meets_target(const Hash256& hash, const U256& target);
// Same with a compact target; an invalid compact never meets.
bool hash_meets_compact(const Hash256& hash, uint32_t compact);

// floor(2^256 / (target + 1)): the expected number of cycle hashes to try per valid one. Target 0 gives
// 2^256 which does not fit and saturates to U256::max().
U256 work_for_target(const U256& target);
// Work of a compact target; an invalid compact gives 0.
U256 work_for_compact(uint32_t compact);

// The fork-choice weight of a block as a 64-bit number (what bciin.consensus/1 reports): the work at
// 2^-16 resolution, floor(2^256 / ((target >> 16) + 1)), saturating at 2^64 - 1. Plain work is 1 for
// every target above 2^255 and so cannot tell easy targets apart (devnets, young chains); this keeps
// 16 more bits and stays proportional to work. Saturation starts at targets below 2^208 (2^48 times
// the work of the highest target). The highest target 0x2100ffff gives 65537; an invalid compact 0.
uint64_t block_weight(uint32_t compact);

}  // namespace bciin::cuckoo
