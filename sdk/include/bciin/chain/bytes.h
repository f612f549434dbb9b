// Byte strings and fixed-size values used by every chain object.
#pragma once

#include <bciin/abi.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::chain {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using Hash = std::array<uint8_t, 32>;       // Blake2b-256 digest
using PublicKey = std::array<uint8_t, 32>;  // Ed25519 public key, also the account address
using Signature = std::array<uint8_t, 64>;  // Ed25519 signature

inline constexpr Hash kZeroHash{};

inline ByteView AsView(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline ByteView AsView(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline ByteView AsView(bciin_span s) { return {s.data, s.size}; }
inline bciin_span AsSpan(ByteView v) { return {v.data(), v.size()}; }
inline std::string AsString(ByteView v) { return {reinterpret_cast<const char*>(v.data()), v.size()}; }

// Lowercase hex of `data`.
std::string ToHex(ByteView data);
// Parses hex (either case, even length); nullopt on any other character or an odd length.
std::optional<Bytes> FromHex(std::string_view hex);
// Parses exactly 32 bytes of hex.
std::optional<Hash> HashFromHex(std::string_view hex);

// Big-endian fixed-width integers, for ordered storage keys.
void AppendBigEndian64(Bytes& out, uint64_t v);
uint64_t ReadBigEndian64(const uint8_t* p);

}  // namespace bciin::chain
