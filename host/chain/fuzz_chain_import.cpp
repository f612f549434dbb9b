// Fuzz target: block and transaction import into a live chain (input from peers and clients).
// Whatever the input, the chain must not crash, and a rejection must leave the head alone.
// Input byte 0 picks the mode; odd modes overlay the rest of the input (XOR) on a valid
// encoding, so mutations start deep inside the format rather than at its first byte.
#include "testnet.h"

#include <cstdlib>

namespace {

using namespace bciin::chain;

struct World {
  TestNet net;
  Bytes valid_block;
  Bytes valid_tx;
  World() {
    (void)net.chain().SubmitTransaction(net.Spend(0, net.user(1).public_key(), Amount(3), 1), nullptr);
    (void)net.Produce();
    std::vector<SignedTx> txs = {net.Spend(1, net.user(2).public_key(), Amount(4), 1),
                                 net.Spend(0, net.user(3).public_key(), Amount(5), 2)};
    Block b;
    (void)net.chain().BuildBlockFrom(net.authority().public_key(), net.clock() + 1000, txs, &b);
    net.Seal(&b);
    valid_block = Encode(b);
    valid_tx = Encode(txs[0]);
    net.clock() += 1000;
  }
};

World& Get() {
  static World* w = new World();
  return *w;
}

Bytes Overlay(const Bytes& base, const uint8_t* data, size_t size) {
  Bytes out = base;
  for (size_t i = 0; i < size; ++i) out[i % out.size()] ^= data[i];
  if (size > 0 && (data[0] & 0x80)) out.resize(out.size() - data[0] % 8);  // sometimes truncate
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = Get();
  const Hash head = w.net.chain().head_hash();
  const uint8_t mode = size > 0 ? data[0] % 4 : 0;
  const uint8_t* rest = size > 0 ? data + 1 : data;
  const size_t rest_size = size > 0 ? size - 1 : 0;
  bciin::Status s;
  switch (mode) {
    case 0: s = w.net.chain().SubmitTransaction(ByteView(rest, rest_size), nullptr); break;
    case 1: s = w.net.chain().SubmitTransaction(Overlay(w.valid_tx, rest, rest_size), nullptr); break;
    case 2: s = w.net.chain().ImportBlock(ByteView(rest, rest_size), nullptr); break;
    default: s = w.net.chain().ImportBlock(Overlay(w.valid_block, rest, rest_size), nullptr); break;
  }
  // Only an unchanged valid block may move the head (the overlay of nothing).
  if (!s.ok() && w.net.chain().head_hash() != head) std::abort();
  return 0;
}
