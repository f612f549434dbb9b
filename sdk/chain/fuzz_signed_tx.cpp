// Fuzz target: the signed transaction decoder (input from peers and the API).
#include <bciin/chain/objects.h>

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::chain;
  SignedTx stx;
  if (DecodeCanonical(ByteView(data, size), &stx, "tx").ok()) {
    Bytes again = Encode(stx);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    (void)CheckTxSignature("bciin-fuzz", stx);
    SpendPayload spend;
    (void)DecodeCanonical(stx.tx.payload, &spend, "spend");
  }
  return 0;
}
