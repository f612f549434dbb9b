// An in-memory ordered store behind bciin.kv/1, for tests and throwaway devnets.
// Snapshots are copy-on-write: taking one is O(1); the first write while one is held copies the
// map once.
#pragma once

#include <bciin/sdk/kv.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace bciin::storage {

class MemoryKv : public sdk::KvBackend {
 public:
  MemoryKv();
  Status Get(const void* snapshot, std::string_view key, std::string* value) override;
  Status Write(const bciin_kv_op* ops, size_t count, bool sync) override;
  Status CreateSnapshot(void** snapshot) override;
  void ReleaseSnapshot(void* snapshot) override;
  Status NewCursor(const void* snapshot, std::unique_ptr<sdk::KvCursor>* out) override;

  size_t size() const;

 private:
  using Map = std::map<std::string, std::string, std::less<>>;
  std::shared_ptr<const Map> Current() const;

  mutable std::mutex mu_;
  std::shared_ptr<Map> data_;
};

}  // namespace bciin::storage
