#include <bciin/chain/ed25519.h>

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace bciin::chain {

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

KeyPair KeyPair::Generate() {
  InitCrypto();
  std::array<uint8_t, 32> seed;
  randombytes_buf(seed.data(), seed.size());
  return FromSeed(seed);
}

KeyPair KeyPair::FromSeed(const std::array<uint8_t, 32>& seed) {
  InitCrypto();
  KeyPair k;
  k.seed_ = seed;
  crypto_sign_seed_keypair(k.public_key_.data(), k.secret_.data(), seed.data());
  return k;
}

Status KeyPair::Load(const std::string& path, KeyPair* out) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto b = text.find_first_not_of(" \t\r\n");
  auto e = text.find_last_not_of(" \t\r\n");
  if (b == std::string::npos) return Status::InvalidArgument("key file " + path + " is empty");
  auto seed = HashFromHex(std::string_view(text).substr(b, e - b + 1));
  if (!seed) return Status::InvalidArgument("key file " + path + " does not hold 64 hex characters");
  *out = FromSeed(*seed);
  return Status();
}

Status KeyPair::Save(const std::string& path) const {
  std::string tmp = path + ".tmp";
  {
    std::FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return Status::IoError("cannot write key file " + tmp);
    ::chmod(tmp.c_str(), 0600);
    std::string hex = ToHex(seed_) + "\n";
    bool ok = std::fwrite(hex.data(), 1, hex.size(), f) == hex.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return Status::IoError("cannot write key file " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot rename " + tmp);
  return Status();
}

Signature KeyPair::Sign(ByteView message) const {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

bool VerifySignature(const PublicKey& key, ByteView message, const Signature& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace bciin::chain
