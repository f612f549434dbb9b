#include "keystore.h"

#include <bciin/chain/address.h>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <fstream>
#include <sys/stat.h>

namespace bciin::cli {

using nlohmann::json;

namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

Status DeriveKey(const std::string& password, const uint8_t* salt, unsigned long long ops, size_t mem,
                 uint8_t key[crypto_secretbox_KEYBYTES]) {
  if (crypto_pwhash(key, crypto_secretbox_KEYBYTES, password.data(), password.size(), salt, ops, mem,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::ResourceExhausted("password hashing ran out of memory");
  return Status();
}

Status ReadJson(const std::filesystem::path& path, json* out) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("no key file " + path.string());
  *out = json::parse(in, nullptr, false);
  if (out->is_discarded() || !out->is_object()) return Status::Corruption("key file " + path.string() + " is not JSON");
  return Status();
}

}  // namespace

Status Keystore::Add(const std::string& name, const chain::KeyPair& key, const std::string& password) const {
  if (!ValidName(name)) return Status::InvalidArgument("key name '" + name + "': use 1-64 of A-Z a-z 0-9 - _");
  if (sodium_init() < 0) return Status::Internal("libsodium init failed");
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  ::chmod(dir_.c_str(), 0700);
  if (std::filesystem::exists(PathOf(name))) return Status::AlreadyExists("a key named '" + name + "' exists");
  uint8_t salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES], k[crypto_secretbox_KEYBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  const unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (Status s = DeriveKey(password, salt, ops, mem, k); !s.ok()) return s;
  std::vector<uint8_t> box(crypto_secretbox_MACBYTES + 32);
  crypto_secretbox_easy(box.data(), key.seed().data(), 32, nonce, k);
  sodium_memzero(k, sizeof k);
  json j{{"name", name},
         {"address", chain::AccountId(key.public_key())},
         {"kdf", "argon2id13"},
         {"opslimit", ops},
         {"memlimit", mem},
         {"salt", chain::ToHex(chain::ByteView(salt, sizeof salt))},
         {"nonce", chain::ToHex(chain::ByteView(nonce, sizeof nonce))},
         {"ciphertext", chain::ToHex(box)}};
  std::string tmp = PathOf(name).string() + ".tmp";
  {
    std::ofstream out(tmp);
    ::chmod(tmp.c_str(), 0600);
    out << j.dump(2) << "\n";
    if (!out) return Status::IoError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, PathOf(name), ec);
  if (ec) return Status::IoError("cannot write " + PathOf(name).string() + ": " + ec.message());
  return Status();
}

Status Keystore::Load(const std::string& name, const std::string& password, chain::KeyPair* out) const {
  if (!ValidName(name)) return Status::InvalidArgument("bad key name '" + name + "'");
  if (sodium_init() < 0) return Status::Internal("libsodium init failed");
  json j;
  if (Status s = ReadJson(PathOf(name), &j); !s.ok()) return s.is(BCIIN_ERR_NOT_FOUND) ? Status::NotFound("no key named '" + name + "'") : s;
  auto salt = chain::FromHex(j.value("salt", ""));
  auto nonce = chain::FromHex(j.value("nonce", ""));
  auto box = chain::FromHex(j.value("ciphertext", ""));
  if (j.value("kdf", "") != "argon2id13" || !salt || salt->size() != crypto_pwhash_SALTBYTES || !nonce ||
      nonce->size() != crypto_secretbox_NONCEBYTES || !box || box->size() != crypto_secretbox_MACBYTES + 32)
    return Status::Corruption("key file for '" + name + "' is malformed");
  uint8_t k[crypto_secretbox_KEYBYTES];
  if (Status s = DeriveKey(password, salt->data(), j.value("opslimit", 0ull), j.value("memlimit", size_t{0}), k); !s.ok())
    return s;
  std::array<uint8_t, 32> seed{};
  int rc = crypto_secretbox_open_easy(seed.data(), box->data(), box->size(), nonce->data(), k);
  sodium_memzero(k, sizeof k);
  if (rc != 0) return Status::Rejected("wrong password for key '" + name + "'");
  *out = chain::KeyPair::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (chain::AccountId(out->public_key()) != j.value("address", ""))
    return Status::Corruption("key file for '" + name + "' holds another address than it names");
  return Status();
}

Status Keystore::List(std::vector<KeyInfo>* out) const {
  out->clear();
  std::error_code ec;
  if (!std::filesystem::exists(dir_, ec)) return Status();
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".json") continue;
    json j;
    if (!ReadJson(e.path(), &j).ok()) continue;
    out->push_back({j.value("name", e.path().stem().string()), j.value("address", "")});
  }
  std::sort(out->begin(), out->end(), [](const KeyInfo& a, const KeyInfo& b) { return a.name < b.name; });
  return Status();
}

Status Keystore::Address(const std::string& name, std::string* out) const {
  if (!ValidName(name)) return Status::InvalidArgument("bad key name '" + name + "'");
  json j;
  if (Status s = ReadJson(PathOf(name), &j); !s.ok()) return Status::NotFound("no key named '" + name + "'");
  *out = j.value("address", "");
  return Status();
}

}  // namespace bciin::cli
