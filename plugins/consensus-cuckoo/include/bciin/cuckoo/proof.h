// Proofs and the BCIIN seal encoding.
//
// A proof is 42 edge indices, strictly increasing, each <= 2^edge_bits - 1. Edge indices are u64 so
// that graphs above 32 edge bits (public vectors exist at 33) fit.
//
// Seal (what a block carries besides its header hash and target), all fields fixed width:
//   byte 0        edge_bits (u8, 1..63)
//   bytes 1..4    nonce, u32 little-endian (the same bytes as 76..79 of the key buffer)
//   bytes 5..     the 42 edge indices in the order given, each u32 big-endian when edge_bits <= 31,
//                 u64 big-endian above (168 or 336 bytes)
// Total 173 bytes at edge_bits <= 31, 341 above. The edge part is exactly the input of the target hash
// (cycle_hash in difficulty.h), so a seal has one byte string and the hash needs no re-encoding.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bciin::cuckoo {

inline constexpr unsigned kProofSize = 42;
inline constexpr unsigned kMinEdgeBits = 1;
inline constexpr unsigned kMaxEdgeBits = 63;
using Proof = std::array<uint64_t, kProofSize>;

struct Seal {
  unsigned edge_bits = 0;
  uint32_t nonce = 0;
  Proof edges{};
  friend bool operator==(const Seal&, const Seal&) = default;
};

// Bytes per edge index in the seal and in the target hash: 4 up to 31 edge bits, 8 above.
constexpr size_t edge_width(unsigned edge_bits) { return edge_bits <= 31 ? 4 : 8; }
constexpr size_t seal_size(unsigned edge_bits) { return 5 + kProofSize * edge_width(edge_bits); }

// Encodes a seal. Requires kMinEdgeBits <= seal.edge_bits <= kMaxEdgeBits; edges are written as given
// (ordering and range are the verifier's job, so that a bad seal gets the reference error code).
std::vector<uint8_t> encode_seal(const Seal& seal);

// Decodes a seal. Returns nullopt (and a reason in *error when given) for a length that does not match
// the edge_bits byte or an edge_bits byte outside 1..63. Range and order of the edges are left to verify().
std::optional<Seal> decode_seal(std::span<const uint8_t> bytes, std::string* error = nullptr);

// The 42 indices in the given order as big-endian words of edge_width(edge_bits) bytes.
std::vector<uint8_t> encode_edges_be(const Proof& edges, unsigned edge_bits);

// Parses exactly 42 edge indices, hex (`hex`, optional 0x prefix) or decimal, separated by spaces, commas,
// brackets or newlines; a leading "Solution" word (the reference solver's output line) is skipped.
// Returns nullopt and a reason in *error for any other count or a malformed or overflowing number.
std::optional<Proof> parse_proof(std::string_view text, bool hex, std::string* error = nullptr);

// "e0 e1 ... e41" in lowercase hex without 0x, the reference solver's `Solution` format.
std::string format_proof_hex(const Proof& edges);

}  // namespace bciin::cuckoo
