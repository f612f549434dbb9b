// Ed25519 keys and signatures through libsodium.
#pragma once

#include <bciin/chain/bytes.h>
#include <bciin/sdk/status.hpp>

#include <string>

namespace bciin::chain {

// Initialises libsodium once; safe to call from any thread, any number of times.
void InitCrypto();

// A signing key: the 32-byte seed and the public key derived from it.
class KeyPair {
 public:
  // A fresh random key.
  static KeyPair Generate();
  // The key whose seed is `seed` (deterministic, for tests and key files).
  static KeyPair FromSeed(const std::array<uint8_t, 32>& seed);
  // Reads a key file: 64 hex characters of seed (whitespace around it ignored).
  static Status Load(const std::string& path, KeyPair* out);
  // Writes the seed as hex to `path` with mode 0600.
  Status Save(const std::string& path) const;

  const PublicKey& public_key() const { return public_key_; }
  const std::array<uint8_t, 32>& seed() const { return seed_; }
  Signature Sign(ByteView message) const;

 private:
  std::array<uint8_t, 32> seed_{};
  PublicKey public_key_{};
  std::array<uint8_t, 64> secret_{};
};

// True when `signature` is `key`'s valid signature of `message`.
bool VerifySignature(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace bciin::chain
