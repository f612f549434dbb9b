// ByteTable: a hash map from byte-string keys to byte-string values (the in-memory kv store's
// table, the engine's flat head state).
//
// Open addressing with linear probing over a power-of-two array of (hash, entry) slots, at most
// half full; an entry is one allocation holding its key and value. A lookup touches one slot
// (and the entry only when the hashes match), where a node-based hash map walks a bucket and a
// chain of separately allocated nodes and strings: a block's commit writes thousands of new
// state nodes and account values at once. Erase shifts the following slots back (no tombstones).
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bciin::chain {

class ByteTable {
 public:
  ByteTable() = default;
  ByteTable(const ByteTable& other);  // copies every entry
  ByteTable& operator=(const ByteTable&) = delete;
  ~ByteTable();

  // Whether `key` is present; its value in *value (a view valid until the table changes).
  bool Find(std::string_view key, std::string_view* value) const;
  void Put(std::string_view key, std::string_view value);
  // Whether `key` was present.
  bool Erase(std::string_view key);
  size_t size() const { return size_; }
  void Clear();

  // Calls fn(key, value) for every entry, in no particular order.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_)
      if (s.entry) fn(KeyOf(s.entry), ValueOf(s.entry));
  }

 private:
  // An entry: u32 key size, u32 value size, the key, the value.
  struct Slot {
    uint64_t hash = 0;
    char* entry = nullptr;  // null: empty
  };
  static std::string_view KeyOf(const char* entry);
  static std::string_view ValueOf(const char* entry);
  static char* NewEntry(std::string_view key, std::string_view value);
  static void FreeEntry(char* entry);
  static uint64_t HashOf(std::string_view key);

  // The slot holding `key`, or the empty slot where it would go.
  size_t Probe(std::string_view key, uint64_t hash) const;
  void Grow();

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace bciin::chain
