// Fuzzes the seal decoder and the verifier: any byte string either fails to decode or decodes to a seal
// that re-encodes to the same bytes, and verify() returns one of the defined codes without faults.
// The first 32 bytes of the input (when present) serve as the header hash.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bciin/cuckoo/difficulty.h"
#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/verify.h"

using namespace bciin::cuckoo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Hash256 header{};
  if (size >= 32) {
    std::memcpy(header.data(), data, 32);
    data += 32;
    size -= 32;
  }
  const std::optional<Seal> seal = decode_seal({data, size});
  if (!seal) return 0;
  if (encode_seal(*seal) != std::vector<uint8_t>(data, data + size)) std::abort();  // canonical
  const VerifyCode code = verify(keys_for(header, seal->nonce), seal->edges, seal->edge_bits);
  if (static_cast<int>(code) < 0 || static_cast<int>(code) > 7 || code == VerifyCode::kHeaderLength) std::abort();
  (void)hash_meets_compact(cycle_hash(seal->edges, seal->edge_bits), 0x2100ffff);
  // Also the raw walk on the decoded words as endpoints: must terminate with a defined code.
  uint64_t ends[2 * kProofSize];
  for (unsigned i = 0; i < 2 * kProofSize; ++i) ends[i] = seal->edges[i / 2] ^ (i & 1 ? seal->nonce : 0);
  if (static_cast<int>(verify_endpoints(ends)) > 7) std::abort();
  return 0;
}
