// The state as the engine reads and changes it.
//
// StateDb: the sparse Merkle tree nodes of every subtree, stored through the kv service under
// "cN" + hash, with a bounded in-memory cache. Nodes are immutable, so the state of every block
// the store knows stays readable by its roots; that is how reorganisations undo and redo state.
//
// StateView: the changes of a block being built or checked, over the roots of its parent. Reads
// see the view's own writes; Checkpoint/Rollback undo back to a point (a failing transaction);
// Commit turns the changes into new tree nodes and new roots.
#pragma once

#include <bciin/chain/objects.h>
#include <bciin/sdk/kv.hpp>

#include <map>
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
  StateDb(sdk::KvStore kv, size_t cache_nodes) : kv_(kv), cache_limit_(cache_nodes) {}

  Status Get(const Hash& hash, NodeRef* node) override;
  // Remembers nodes just written to the store (hot for the next block).
  void Remember(const Hash& hash, Bytes node);
  static std::string NodeKey(const Hash& hash);

 private:
  struct HashOf {
    size_t operator()(const Hash& h) const {
      size_t v;
      std::memcpy(&v, h.data(), sizeof v);
      return v;
    }
  };
  sdk::KvStore kv_;
  size_t cache_limit_;
  std::mutex mu_;
  std::unordered_map<Hash, NodeRef, HashOf> cache_;
};

class StateView {
 public:
  StateView(NodeReader* reader, StateRoots base) : reader_(reader), base_(std::move(base)) {}

  const StateRoots& base() const { return base_; }
  bool HasSubtree(const std::string& subtree) const { return base_.Find(subtree) != nullptr; }

  // nullopt when absent. NotFound for an unknown subtree.
  Status Get(const std::string& subtree, ByteView key, std::optional<Bytes>* value);
  void Put(const std::string& subtree, ByteView key, Bytes value);
  void Erase(const std::string& subtree, ByteView key);

  size_t Checkpoint() const { return journal_.size(); }
  void Rollback(size_t checkpoint);

  // Writes the changed subtrees' new nodes to `writer` and sets `*roots` to the roots after the
  // changes (subtrees untouched keep theirs).
  Status Commit(const NodeWriter& writer, StateRoots* roots) const;

 private:
  using Key = std::pair<std::string, Bytes>;
  struct Undo {
    Key key;
    bool existed;  // whether `dirty_` had an entry before
    std::optional<Bytes> previous;
  };
  void Set(const std::string& subtree, ByteView key, std::optional<Bytes> value);

  NodeReader* reader_;
  StateRoots base_;
  std::map<Key, std::optional<Bytes>> dirty_;
  std::vector<Undo> journal_;
};

}  // namespace bciin::chain
