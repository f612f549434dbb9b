// The state as the engine reads and changes it.
//
// StateDb: the sparse Merkle tree nodes of every subtree, stored through the kv service under
// "cN" + hash, with a bounded in-memory cache. Nodes are immutable, so the state of every block
// the store knows stays readable by its roots; that is how reorganisations undo and redo state.
//
// StateView: the changes of a block being built or checked, over the roots of its parent. Reads
// see the view's own writes; Checkpoint/Rollback undo back to a point (a failing transaction);
// Commit turns the changes into new tree nodes and new roots. With a FlatState, reads of the
// base state go there first (and fill it from the tree).
#pragma once

#include "flat_state.h"
#include "node_cache.h"

#include <bciin/chain/objects.h>
#include <bciin/sdk/kv.hpp>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bciin::chain {

// Key prefixes of everything the engine stores (docs/formats.md, "storage layout").
inline constexpr std::string_view kNodePrefix = "cN";

class StateDb : public NodeReader {
 public:
  // At most `cache_nodes` nodes are kept in memory.
  StateDb(sdk::KvStore kv, size_t cache_nodes) : kv_(kv), cache_(cache_nodes) {}

  Status Get(const Hash& hash, NodeRef* node) override;
  void Prefetch(const Hash& hash) override;
  // Remembers nodes just written to the store (hot for the next block).
  void Remember(const Hash& hash, NodeRef node);
  static std::string NodeKey(const Hash& hash);

 private:
  sdk::KvStore kv_;
  std::mutex mu_;
  NodeCache cache_;
};

class StateView {
 public:
  StateView(NodeReader* reader, StateRoots base, FlatState* flat = nullptr)
      : reader_(reader), base_(std::move(base)), flat_(flat) {
    if (flat_) base_id_ = base_.Root();
  }
  StateView(const StateView&) = delete;  // the journal points into the view's own map
  StateView& operator=(const StateView&) = delete;

  const StateRoots& base() const { return base_; }
  bool HasSubtree(const std::string& subtree) const { return base_.Find(subtree) != nullptr; }

  // nullopt when absent. NotFound for an unknown subtree.
  Status Get(const std::string& subtree, ByteView key, std::optional<Bytes>* value);
  // The same without a copy: *value points at the value (null when absent) until the view is
  // next read or changed.
  Status Find(std::string_view subtree, ByteView key, const Bytes** value);
  void Put(std::string_view subtree, ByteView key, ByteView value);
  void Erase(std::string_view subtree, ByteView key);

  // Room for `entries` changed keys (no rehashing while a block of known size runs).
  void Reserve(size_t entries) { dirty_.reserve(entries); }

  size_t Checkpoint() const { return journal_.size(); }
  void Rollback(size_t checkpoint);

  // Writes the changed subtrees' new nodes to `writer` and sets `*roots` to the roots after the
  // changes (subtrees untouched keep theirs).
  Status Commit(const NodeWriter& writer, StateRoots* roots) const;
  // The changes, taken out of the view (which is left empty).
  StateChanges TakeChanges();

 private:
  // Changes by "subtree NUL key" (subtree names never hold a NUL); nullopt is an erase.
  using Dirty = StateChanges;
  // What a write replaced. The previous bytes are kept in `undo_bytes_` (the journal is a stack,
  // so they are appended and truncated in order): a write over a changed key reuses its buffer
  // and allocates nothing.
  struct Undo {
    Dirty::value_type* entry;  // elements keep their address across rehashing
    bool existed;              // whether `dirty_` had the entry before
    bool had_value;            // whether it held a value (not an erase) before
    size_t offset, size;       // its previous value in undo_bytes_
  };
  // The dirty-map key of (subtree, key), in a buffer reused from call to call.
  const std::string& DirtyKey(std::string_view subtree, ByteView key);
  // nullopt: an erase.
  void Set(std::string_view subtree, ByteView key, std::optional<ByteView> value);

  NodeReader* reader_;
  StateRoots base_;
  FlatState* flat_;
  Hash base_id_{};  // base_.Root(), with a FlatState
  Dirty dirty_;
  std::vector<Undo> journal_;
  Bytes undo_bytes_;
  std::string scratch_;
  std::optional<Bytes> read_;  // the last value Find read from the base state (its buffer is reused)
};

}  // namespace bciin::chain
