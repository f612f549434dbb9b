// Fuzz target: the signed transaction decoder (input from peers and the API).
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
    KeyPair k = KeyPair::FromSeed({1});
    Tx tx;
    tx.type = kSpendTxType;
    tx.sender = k.public_key();
    tx.nonce = 1;
    tx.gas = 20000;
    tx.gas_price = 1;
    tx.payload = Encode(SpendPayload{k.public_key(), Amount(5), {1, 2}});
    return Encode(SignTx("bciin-fuzz", tx, k));
  }();
  Bytes overlaid;
  if (size > 0 && (data[0] & 1)) {
    overlaid = Overlay(valid, data, size);
    data = overlaid.data();
    size = overlaid.size();
  }
  SignedTx stx;
  if (DecodeCanonical(ByteView(data, size), &stx, "tx").ok()) {
    Bytes again = Encode(stx);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    (void)CheckTxSignature("bciin-fuzz", stx);
    SpendPayload spend, direct;
    const bciin::Status archived = DecodeCanonical(stx.tx.payload, &spend, "spend payload");
    // The direct decoder the engine uses must agree with the archive on every input.
    const bciin::Status fast = DecodeSpendPayload(stx.tx.payload, &direct);
    if (archived.ToString() != fast.ToString()) std::abort();
    if (fast.ok() && (direct.recipient != spend.recipient || direct.amount != spend.amount || direct.data != spend.data))
      std::abort();
  }
  return 0;
}
