// Fuzz target: the state proof decoder and the light-client verifier (input from anyone).
#include <bciin/chain/light_client.h>

#include <bciin/chain/hash.h>

#include <cstdlib>

namespace {
// A valid encoding for mutations to start from: input byte 0 odd overlays (XOR) the rest of
// the input on it, so the fuzzer reaches deep fields without a corpus.
bciin::chain::Bytes Overlay(const bciin::chain::Bytes& base, const uint8_t* data, size_t size) {
  bciin::chain::Bytes out = base;
  for (size_t i = 1; i < size; ++i) out[i % out.size()] ^= data[i];
  return out;
}
}  // namespace


extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::chain;
  static const Bytes valid = [] {
    MemoryNodeStore store;
    std::vector<SmtUpdate> ups;
    for (uint8_t i = 0; i < 40; ++i) ups.push_back({Blake2b256(Bytes{i}), Bytes{i}, Bytes{i, i}});
    Hash root;
    (void)SparseMerkleTree::Update(store, kZeroHash, ups, store.Writer(), &root);
    StateProof p;
    p.subtree = "accounts";
    p.key = {7};
    p.roots.subtrees = {{"accounts", root}, {"names", kZeroHash}};
    (void)SparseMerkleTree::Prove(store, root, Blake2b256(p.key), &p.proof);
    return Encode(p);
  }();
  Bytes overlaid;
  if (size > 0 && (data[0] & 1)) {
    overlaid = Overlay(valid, data, size);
    data = overlaid.data();
    size = overlaid.size();
  }
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
