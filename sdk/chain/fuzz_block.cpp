// Fuzz target: the block and header decoders (input from peers).
#include <bciin/chain/objects.h>

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
    KeyPair k = KeyPair::FromSeed({2});
    Block b;
    b.header.height = 3;
    b.header.consensus = {1, 2, 3};
    b.header.seal = Bytes(64, 7);
    Tx tx;
    tx.type = kSpendTxType;
    tx.sender = k.public_key();
    tx.payload = Encode(SpendPayload{k.public_key(), Amount(5), {}});
    b.txs = {SignTx("n", tx, k), SignTx("m", tx, k)};
    return Encode(b);
  }();
  Bytes overlaid;
  if (size > 0 && (data[0] & 1)) {
    overlaid = Overlay(valid, data, size);
    data = overlaid.data();
    size = overlaid.size();
  }
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
