// storage-memory: bciin.kv/1 in memory. Nothing survives a restart.
#include "memory_kv.h"

#include <bciin/sdk/plugin.hpp>

namespace {

class StorageMemoryPlugin : public bciin::sdk::Plugin {
 public:
  explicit StorageMemoryPlugin(bciin::sdk::Host host) : Plugin(host), table_(&kv_) {
    host.Info("in-memory key-value store ready (nothing is persisted)");
  }
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_KV_SERVICE_ID ? table_.header() : nullptr;
  }

 private:
  bciin::storage::MemoryKv kv_;
  bciin::sdk::KvServiceTable table_;
};

}  // namespace

BCIIN_PLUGIN(StorageMemoryPlugin)
