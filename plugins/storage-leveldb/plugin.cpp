// storage-leveldb: bciin.kv/1 on leveldb, the default persistent store.
#include "leveldb_kv.h"

#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

namespace {

class StorageLeveldbPlugin : public bciin::sdk::Plugin {
 public:
  explicit StorageLeveldbPlugin(bciin::sdk::Host host) : Plugin(host) {
    bciin::storage::LeveldbOptions o;
    o.path = host.GetString("path");
    if (o.path.empty()) o.path = host.DataDir() + "/chain.ldb";
    o.cache_mb = host.GetUint("cache-mb", o.cache_mb);
    o.write_buffer_mb = host.GetUint("write-buffer-mb", o.write_buffer_mb);
    o.max_open_files = host.GetUint("max-open-files", o.max_open_files);
    o.bloom_bits = host.GetUint("bloom-bits", o.bloom_bits);
    o.sync = host.GetBool("sync", o.sync);
    o.paranoid_checks = host.GetBool("paranoid-checks", o.paranoid_checks);
    o.compression = host.GetBool("compression", o.compression);
    bciin::sdk::ThrowIfError(bciin::storage::LeveldbKv::Open(o, &kv_));
    table_ = std::make_unique<bciin::sdk::KvServiceTable>(kv_.get());
    host.Info(fmt::format("leveldb open at {} (cache {} MiB, sync {})", o.path, o.cache_mb, o.sync));
  }
  ~StorageLeveldbPlugin() override {
    table_.reset();
    kv_.reset();
  }
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_KV_SERVICE_ID ? table_->header() : nullptr;
  }

 private:
  std::unique_ptr<bciin::storage::LeveldbKv> kv_;
  std::unique_ptr<bciin::sdk::KvServiceTable> table_;
};

}  // namespace

BCIIN_PLUGIN(StorageLeveldbPlugin)
