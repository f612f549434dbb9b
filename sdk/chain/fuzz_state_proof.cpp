// Fuzz target: the state proof decoder and the light-client verifier (input from anyone).
#include <bciin/chain/light_client.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::chain;
  StateProof proof;
  if (DecodeCanonical(ByteView(data, size), &proof, "state proof").ok()) {
    Bytes again = Encode(proof);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    // Against a header that commits to the proof's own roots, the path check does the work.
    Header header;
    header.state_root = proof.roots.Root();
    std::optional<Bytes> value;
    (void)VerifyStateProof(header, proof, &value);
  }
  return 0;
}
