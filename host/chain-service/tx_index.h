// TxIndex: where each transaction of the main chain is, kept in the kv store under the prefix
// "xT" (tx hash -> the blocks holding it) and "xB" (block hash -> indexed marker).
//
// The engine commits blocks atomically; this index is written after, so after a crash it may
// lag. Update(head) walks back from the head over every block not yet indexed, which repairs
// that on the next call. A transaction may sit in blocks of several branches: Lookup returns the
// one on the main chain.
//
// Thread-safe.
#pragma once

#include "chain/chain.h"

#include <mutex>
#include <optional>

namespace bciin::chain_service {

struct TxLocation {
  chain::Hash block{};
  uint64_t height = 0;
  uint32_t index = 0;
};

class TxIndex {
 public:
  TxIndex(sdk::KvStore kv, const chain::Chain* chain) : kv_(kv), chain_(chain) {}

  // Indexes every block from the current head back to the first one already indexed.
  Status Update();
  // The main-chain block holding `tx`, or nullopt.
  Status Lookup(const chain::Hash& tx, std::optional<TxLocation>* out) const;

 private:
  Status IndexBlock(const chain::Hash& hash, const chain::Block& block);

  sdk::KvStore kv_;
  const chain::Chain* chain_;
  std::mutex mu_;
};

}  // namespace bciin::chain_service
