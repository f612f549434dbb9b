// Blake2b-256 through libsodium: the one hash of every chain structure.
#pragma once

#include <bciin/chain/bytes.h>

#include <sodium.h>

#include <initializer_list>

namespace bciin::chain {

// Blake2b-256 of `data`.
Hash Blake2b256(ByteView data);
// Blake2b-256 of the concatenation of `parts`.
Hash Blake2b256(std::initializer_list<ByteView> parts);

// Incremental Blake2b-256.
class Hasher {
 public:
  Hasher();
  Hasher& Update(ByteView data);
  Hasher& Update(uint8_t byte) { return Update(ByteView(&byte, 1)); }
  Hash Finish();

 private:
  crypto_generichash_state state_;
};

}  // namespace bciin::chain
