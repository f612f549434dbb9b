#include <bciin/chain/hash.h>

namespace bciin::chain {

Hash Blake2b256(ByteView data) {
  Hash out;
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
  return out;
}

Hash Blake2b256(std::initializer_list<ByteView> parts) {
  Hasher h;
  for (ByteView p : parts) h.Update(p);
  return h.Finish();
}

Hasher::Hasher() { crypto_generichash_init(&state_, nullptr, 0, 32); }

Hasher& Hasher::Update(ByteView data) {
  crypto_generichash_update(&state_, data.data(), data.size());
  return *this;
}

Hash Hasher::Finish() {
  Hash out;
  crypto_generichash_final(&state_, out.data(), out.size());
  return out;
}

}  // namespace bciin::chain
