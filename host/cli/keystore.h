// Keystore: Ed25519 keys encrypted at rest, one JSON file per key in a directory.
//
//   {"name": "alice", "address": "ak_...", "kdf": "argon2id13", "opslimit": N, "memlimit": N,
//    "salt": hex16, "nonce": hex24, "ciphertext": hex(secretbox(seed))}
//
// The 32-byte seed is sealed with crypto_secretbox (XSalsa20-Poly1305) under a key derived from
// the password with crypto_pwhash (Argon2id). A wrong password fails the MAC: nothing is
// decrypted. Files are written with mode 0600.
#pragma once

#include <bciin/chain/ed25519.h>
#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bciin::cli {

struct KeyInfo {
  std::string name;
  std::string address;
};

class Keystore {
 public:
  explicit Keystore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // AlreadyExists when `name` is taken. Names: [A-Za-z0-9_-], 1..64.
  Status Add(const std::string& name, const chain::KeyPair& key, const std::string& password) const;
  Status Load(const std::string& name, const std::string& password, chain::KeyPair* out) const;
  Status List(std::vector<KeyInfo>* out) const;
  // The address of a stored key, without the password.
  Status Address(const std::string& name, std::string* out) const;

 private:
  std::filesystem::path PathOf(const std::string& name) const { return dir_ / (name + ".json"); }
  std::filesystem::path dir_;
};

}  // namespace bciin::cli
