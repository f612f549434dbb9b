// The plugin runtime: owns the loaded libraries and their instances, gives each plugin its host
// table, keeps the service registry and the event bus, and runs the lifecycle:
//
//   Load (in dependency order) -> CreateAll -> StartAll -> ... -> StopAll -> DestroyAll
//
// Instances are stopped and destroyed in reverse order, every instance before any library is
// unloaded, and a failure in one plugin's stop or destroy never stops the others'.
#pragma once

#include "event_bus.hpp"
#include "logger.hpp"
#include "manifest.hpp"
#include "node_config.hpp"
#include "plugin_library.hpp"
#include "work_pool.hpp"

#include <bciin/abi.h>
#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

struct bciin_host;

namespace bciin::host {

class PluginRuntime {
 public:
  PluginRuntime(Logger* logger, std::filesystem::path data_dir, PluginSettings settings, size_t worker_threads = 2);
  ~PluginRuntime();
  PluginRuntime(const PluginRuntime&) = delete;
  PluginRuntime& operator=(const PluginRuntime&) = delete;

  // Loads and checks each plugin library, in the given (dependency) order.
  Status Load(const std::vector<const Manifest*>& ordered);
  // Creates every instance in order; on failure destroys those created, in reverse.
  Status CreateAll();
  // Starts every instance in order; on failure stops those started, in reverse.
  Status StartAll();
  // Stops started instances in reverse order; failures are logged and the rest still stop.
  void StopAll();
  // Drains posted work, destroys instances in reverse order, then unloads the libraries.
  void DestroyAll();

  // The service `id` at version >= min_version from a created plugin, or nullptr.
  const bciin_service_header* FindService(const std::string& id, const std::string& min_version) const;
  // Every service `id` at version >= min_version from created plugins, in creation order.
  std::vector<const bciin_service_header*> FindAllServices(const std::string& id,
                                                           const std::string& min_version = "0.0.0") const;
  EventBus& bus() { return bus_; }
  WorkPool& pool() { return pool_; }
  Logger& logger() { return *logger_; }
  const PluginSettings& settings() const { return settings_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::vector<std::string> LoadedIds() const;

  // For components built into bciin-node only: the runtime behind a host handle, and the id of
  // the plugin it belongs to. Plugins loaded from files never see the runtime.
  static PluginRuntime* FromHandle(bciin_host* host);
  static const std::string& PluginIdOf(bciin_host* host);
  // Adds a service the host itself provides (before CreateAll, so every plugin can find it).
  void RegisterHostService(const bciin_service_header* header, const std::string& version);

 private:
  friend struct HostCalls;
  struct Loaded;

  Logger* logger_;
  std::filesystem::path data_dir_;
  std::string data_dir_text_;
  PluginSettings settings_;
  WorkPool pool_;
  EventBus bus_;
  std::vector<std::unique_ptr<Loaded>> plugins_;
  struct ServiceEntry {
    const bciin_service_header* header;
    Version version;
    std::string provider;
  };
  mutable std::mutex services_mu_;
  std::multimap<std::string, ServiceEntry> services_;
};

// The host function table every plugin receives.
const bciin_host_api* HostApi();

}  // namespace bciin::host
