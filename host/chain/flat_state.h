// FlatState: the values of one state (the head's), by subtree and key, as far as they have been
// read or written since the chain reached that state. Reads against that state take them
// instead of walking the sparse Merkle tree (about a dozen node lookups per account at a few
// thousand accounts, twenty at a million).
//
// A state is named by its state root (the header's), which commits to every value, so a value
// recorded for a root is right for every block with that root. Moving to a child state applies
// the child's changes; any other move starts empty. Thread-safe.
//
// The values are kept in a ByteTable (one allocation per entry, a lookup reads one slot and
// that entry): every transaction reads its accounts here first.
#pragma once

#include <bciin/chain/byte_table.h>
#include <bciin/chain/bytes.h>

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace bciin::chain {

// State changes by "subtree NUL key"; nullopt is an erase.
using StateChanges = std::unordered_map<std::string, std::optional<Bytes>>;

class FlatState {
 public:
  explicit FlatState(size_t max_entries) : max_entries_(max_entries) {}

  // Starts empty at `state`.
  void Reset(const Hash& state);
  // The value of `key` in `state`, when known (nullopt inside: known to be absent).
  bool Get(const Hash& state, const std::string& key, std::optional<Bytes>* value) const;
  // Records a value read from the tree of `state` (ignored for any other state).
  void Fill(const Hash& state, const std::string& key, const std::optional<Bytes>& value);
  // Moves to `to`. When the kept state is `from`, `changes` (from -> to) are applied and the
  // rest is kept; otherwise it starts empty.
  void Advance(const Hash& from, const Hash& to, const StateChanges& changes);

  size_t size() const;

 private:
  // Stores `value` tagged: 0x01 and the value, or 0x00 alone for a key known to be absent.
  void Set(std::string_view key, const std::optional<Bytes>& value);

  const size_t max_entries_;
  mutable std::mutex mu_;
  Hash state_{};
  ByteTable values_;
  std::string tagged_;  // Set's buffer
};

}  // namespace bciin::chain
