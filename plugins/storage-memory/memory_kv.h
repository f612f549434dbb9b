// An in-memory store behind bciin.kv/1, for tests and throwaway devnets.
// Keys live in a hash table (ByteTable: a get or put is O(1) on average); ordered iteration sorts
// the keys of the table a cursor reads when the cursor opens (O(n log n): nothing on a node's hot
// path iterates).
// Snapshots are copy-on-write: taking one is O(1); the first write while one is held copies the
// map once.
#pragma once

#include <bciin/chain/byte_table.h>
#include <bciin/sdk/kv.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace bciin::storage {

class MemoryKv : public sdk::KvBackend {
 public:
  using Map = chain::ByteTable;

  MemoryKv();
  Status Get(const void* snapshot, std::string_view key, std::string* value) override;
  Status Write(const bciin_kv_op* ops, size_t count, bool sync) override;
  Status CreateSnapshot(void** snapshot) override;
  void ReleaseSnapshot(void* snapshot) override;
  Status NewCursor(const void* snapshot, std::unique_ptr<sdk::KvCursor>* out) override;

  size_t size() const;

 private:
  std::shared_ptr<const Map> Current() const;

  mutable std::mutex mu_;
  std::shared_ptr<Map> data_;
};

}  // namespace bciin::storage
