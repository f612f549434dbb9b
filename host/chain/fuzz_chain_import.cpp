// Fuzz target: block and transaction import into a live chain (input from peers and clients).
// Whatever the input, the chain must not crash, and a rejection must leave the head alone.
#include "testnet.h"

#include <cstdlib>

namespace {
bciin::chain::TestNet& Net() {
  static bciin::chain::TestNet* net = [] {
    auto* n = new bciin::chain::TestNet();
    n->chain().SubmitTransaction(n->Spend(0, n->user(1).public_key(), bciin::chain::Amount(3), 1), nullptr);
    (void)n->Produce();
    return n;
  }();
  return *net;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::chain;
  TestNet& net = Net();
  const Hash head = net.chain().head_hash();
  if (size > 0 && (data[0] & 1)) {
    Status s = net.chain().ImportBlock(ByteView(data + 1, size - 1), nullptr);
    if (!s.ok() && net.chain().head_hash() != head) std::abort();
  } else {
    Hash h;
    (void)net.chain().SubmitTransaction(ByteView(data, size), &h);
    if (net.chain().head_hash() != head) std::abort();
  }
  return 0;
}
