// Human-readable identifiers: "<prefix>_" followed by base58 of the 32 bytes and a 4-byte
// checksum, the first 4 bytes of Blake2b-256(prefix || bytes). The checksum covers the prefix,
// so an account address pasted where a block hash is expected is rejected, not misread.
#pragma once

#include <bciin/chain/bytes.h>
#include <bciin/sdk/status.hpp>

#include <string>
#include <string_view>

namespace bciin::chain {

// Prefixes in use.
inline constexpr std::string_view kAccountPrefix = "ak";   // account (Ed25519 public key)
inline constexpr std::string_view kTxHashPrefix = "th";    // signed transaction hash
inline constexpr std::string_view kBlockHashPrefix = "bh"; // block hash
inline constexpr std::string_view kStateHashPrefix = "sh"; // state root or subtree root

std::string EncodeId(std::string_view prefix, const std::array<uint8_t, 32>& bytes);
// Parses an id with the given prefix; InvalidArgument naming what is wrong (prefix, alphabet,
// length, checksum).
Status DecodeId(std::string_view prefix, std::string_view text, std::array<uint8_t, 32>* out);

inline std::string AccountId(const PublicKey& k) { return EncodeId(kAccountPrefix, k); }
inline std::string BlockId(const Hash& h) { return EncodeId(kBlockHashPrefix, h); }
inline std::string TxId(const Hash& h) { return EncodeId(kTxHashPrefix, h); }
inline std::string StateId(const Hash& h) { return EncodeId(kStateHashPrefix, h); }

// Base58 (Bitcoin alphabet).
std::string Base58Encode(ByteView data);
std::optional<Bytes> Base58Decode(std::string_view text);

}  // namespace bciin::chain
