// Fuzz target: the block and header decoders (input from peers).
#include <bciin/chain/objects.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::chain;
  Block block;
  if (DecodeCanonical(ByteView(data, size), &block, "block").ok()) {
    Bytes again = Encode(block);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    std::vector<Hash> hashes;
    for (const SignedTx& stx : block.txs) hashes.push_back(TxHash(stx));
    (void)TxRoot(hashes);
    (void)block.header.SealHash();
  }
  Header header;
  if (DecodeCanonical(ByteView(data, size), &header, "header").ok()) {
    if (Encode(header).size() != size) std::abort();
  }
  return 0;
}
