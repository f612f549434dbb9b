// bciin.kv/1 on leveldb: one database directory per store.
#pragma once

#include <bciin/sdk/kv.hpp>

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>

#include <memory>
#include <string>

namespace bciin::storage {

struct LeveldbOptions {
  std::string path;                 // database directory (created when missing)
  uint64_t cache_mb = 64;           // block cache
  uint64_t write_buffer_mb = 16;    // memtable size before a flush to a table file
  uint64_t max_open_files = 1000;
  uint64_t bloom_bits = 10;         // bloom filter bits per key; 0 = no filter
  bool sync = false;                // fsync every write (power-loss safe; kill -9 safe either way)
  bool paranoid_checks = false;     // fail on any sign of corruption instead of skipping
  bool compression = true;          // snappy, when leveldb was built with it
};

class LeveldbKv : public sdk::KvBackend {
 public:
  // Opens (creating if needed) the database. An IoError names the path and leveldb's reason;
  // a stale LOCK file left by a killed process is not an error (leveldb's lock is an fcntl lock
  // that dies with the process).
  static Status Open(const LeveldbOptions& options, std::unique_ptr<LeveldbKv>* out);
  ~LeveldbKv() override;

  Status Get(const void* snapshot, std::string_view key, std::string* value) override;
  Status Write(const bciin_kv_op* ops, size_t count, bool sync) override;
  Status CreateSnapshot(void** snapshot) override;
  void ReleaseSnapshot(void* snapshot) override;
  Status NewCursor(const void* snapshot, std::unique_ptr<sdk::KvCursor>* out) override;

  const LeveldbOptions& options() const { return options_; }

 private:
  LeveldbKv() = default;

  LeveldbOptions options_;
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace bciin::storage
