// Public Cuckatoo vectors (Grin core/src/pow/cuckatoo.rs, header [0u8; 80] with the nonce LE u32 in
// bytes 76..79; cuckoo.md 11.3). Shared by tests only.
#pragma once

#include "bciin/cuckoo/proof.h"

namespace bciin::cuckoo::testing {

struct Vector {
  unsigned edge_bits;
  uint32_t nonce;
  Proof edges;
};

extern const Vector kV1_29, kV1_31, kV1_32, kV1_33;

}  // namespace bciin::cuckoo::testing
