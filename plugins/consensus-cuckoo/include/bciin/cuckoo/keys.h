// Graph keys. BCIIN keys the graph of a block by blake2b-256 over an 80-byte buffer:
//   bytes  0..31  hash of the header without its seal
//   bytes 32..75  zero
//   bytes 76..79  nonce, little-endian u32
// and reads the 32-byte digest as four little-endian u64 words k0..k3 (cuckoo.md section 2). This is the
// layout of the reference `simple` and `mean` solvers, so `mean -x <160 hex digits> -n <nonce>` searches
// the same graph.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "bciin/cuckoo/siphash.h"

namespace bciin::cuckoo {

inline constexpr size_t kHeaderBufferSize = 80;
inline constexpr size_t kNonceOffset = 76;
using HeaderBuffer = std::array<uint8_t, kHeaderBufferSize>;
using Hash256 = std::array<uint8_t, 32>;

// The 80-byte buffer for a header hash and nonce.
HeaderBuffer make_header_buffer(const Hash256& header_hash, uint32_t nonce);

// Overwrites bytes 76..79 of `buffer` with `nonce`, little-endian.
void set_nonce(HeaderBuffer& buffer, uint32_t nonce);

// blake2b-256 of `bytes`, then four little-endian words. Accepts any length so that other layouts
// (e.g. the reference lean solver's 246 bytes) can be reproduced for cross-checks.
SipKeys derive_keys(std::span<const uint8_t> bytes);

// derive_keys(make_header_buffer(header_hash, nonce)).
SipKeys keys_for(const Hash256& header_hash, uint32_t nonce);

// blake2b-256 of `bytes` (libsodium crypto_generichash, no key).
Hash256 blake2b_256(std::span<const uint8_t> bytes);

}  // namespace bciin::cuckoo
