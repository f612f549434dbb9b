#include "bciin/cuckoo/keys.h"

#include <sodium.h>

#include <cstring>

namespace bciin::cuckoo {

HeaderBuffer make_header_buffer(const Hash256& header_hash, uint32_t nonce) {
  HeaderBuffer buffer{};
  std::memcpy(buffer.data(), header_hash.data(), header_hash.size());
  set_nonce(buffer, nonce);
  return buffer;
}

void set_nonce(HeaderBuffer& buffer, uint32_t nonce) {
  for (unsigned i = 0; i < 4; ++i) buffer[kNonceOffset + i] = static_cast<uint8_t>(nonce >> (8 * i));
}

Hash256 blake2b_256(std::span<const uint8_t> bytes) {
  Hash256 out{};
  // crypto_generichash is blake2b with the output length as a parameter (not blake2b-512 truncated).
  crypto_generichash(out.data(), out.size(), bytes.data(), bytes.size(), nullptr, 0);
  return out;
}

SipKeys derive_keys(std::span<const uint8_t> bytes) {
  const Hash256 digest = blake2b_256(bytes);
  auto le64 = [&](unsigned word) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i) v |= uint64_t{digest[8 * word + i]} << (8 * i);
    return v;
  };
  return SipKeys{le64(0), le64(1), le64(2), le64(3)};
}

SipKeys keys_for(const Hash256& header_hash, uint32_t nonce) {
  const HeaderBuffer buffer = make_header_buffer(header_hash, nonce);
  return derive_keys(buffer);
}

}  // namespace bciin::cuckoo
