// NodeCache: state tree nodes by hash, at most `limit` of them (emptied when full: crude, but
// bounded and O(1) amortised; the next reads refill it).
//
// Open addressing with linear probing over a power-of-two array of (hash, node) slots, at most
// half full, grown by doubling: a lookup reads one slot (the key is inline), where a node-based
// hash map reads a bucket, the node before the chain and the node itself. A block's commit
// looks up every node its tree update walks and remembers every node it makes (thousands per
// block). The key's first 8 bytes place it: node hashes are Blake2b-256 outputs.
// Not thread-safe; StateDb guards it.
#pragma once

#include <bciin/chain/smt.h>

#include <vector>

namespace bciin::chain {

class NodeCache {
 public:
  // Sized up front for min(limit, 2^17) nodes; grows by doubling beyond.
  explicit NodeCache(size_t limit);

  // Whether `hash` is cached; the node in *node.
  bool Get(const Hash& hash, NodeRef* node) const;
  // Starts loading the slot of `hash` into the CPU cache.
  void Prefetch(const Hash& hash) const;
  // Caches `node` under `hash` (a node already there is kept: nodes are immutable).
  void Put(const Hash& hash, NodeRef node);
  size_t size() const { return size_; }

 private:
  struct Slot {
    Hash hash{};
    NodeRef node;  // null: empty
  };
  size_t Probe(const Hash& hash) const;  // the slot holding `hash`, or the empty slot for it
  void Grow();

  size_t limit_;
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace bciin::chain
