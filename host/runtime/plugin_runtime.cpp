#include "plugin_runtime.hpp"

#include <bciin/sdk/status.hpp>

#include <cstring>

// The opaque per-plugin handle of the ABI.
struct bciin_host {
  bciin::host::PluginRuntime* runtime;
  size_t index;
};

namespace bciin::host {

struct PluginRuntime::Loaded {
  std::unique_ptr<PluginLibrary> library;
  bciin_host handle{};
  void* instance = nullptr;
  bool started = false;
  std::mutex subscriptions_mu;
  std::set<uint64_t> subscriptions;

  const std::string& id() const { return library->manifest().id; }
};

namespace {
constexpr const char* kHostVersion = "0.1.0";
}

struct HostCalls {
  static PluginRuntime::Loaded& Plugin(bciin_host* h) { return *h->runtime->plugins_[h->index]; }

  static void Log(bciin_host* h, int32_t level, const char* message) {
    h->runtime->logger_->Write(static_cast<bciin_log_level>(level), Plugin(h).id(), message ? message : "");
  }

  static const std::vector<std::string>* Values(bciin_host* h, const char* name) {
    const auto& all = h->runtime->settings_.options;
    auto plugin = all.find(Plugin(h).id());
    if (plugin == all.end() || !name) return nullptr;
    auto option = plugin->second.find(name);
    return option == plugin->second.end() ? nullptr : &option->second;
  }

  static uint32_t OptionCount(bciin_host* h, const char* name) {
    const auto* v = Values(h, name);
    return v ? static_cast<uint32_t>(v->size()) : 0;
  }

  static int32_t OptionGet(bciin_host* h, const char* name, uint32_t index, bciin_sink out) {
    const auto* v = Values(h, name);
    if (!v || index >= v->size()) return BCIIN_ERR_NOT_FOUND;
    const std::string& value = (*v)[index];
    if (out.write) out.write(out.context, reinterpret_cast<const uint8_t*>(value.data()), value.size());
    return BCIIN_OK;
  }

  static const bciin_service_header* FindService(bciin_host* h, const char* id, const char* min_version) {
    if (!id) return nullptr;
    return h->runtime->FindService(id, min_version ? min_version : "0.0.0");
  }

  static int32_t Publish(bciin_host* h, const char* topic, bciin_span payload) {
    if (!topic || (!payload.data && payload.size)) return BCIIN_ERR_INVALID_ARGUMENT;
    int n = h->runtime->bus_.Publish(topic, std::string_view(reinterpret_cast<const char*>(payload.data), payload.size));
    return n < 0 ? BCIIN_ERR_BUSY : BCIIN_OK;
  }

  static uint64_t Subscribe(bciin_host* h, const char* topic, bciin_event_fn fn, void* user) {
    if (!topic || !fn) return 0;
    uint64_t id = h->runtime->bus_.Subscribe(topic, [fn, user](const std::string& t, std::string_view payload) {
      fn(user, t.c_str(), bciin_span{reinterpret_cast<const uint8_t*>(payload.data()), payload.size()});
    });
    auto& p = Plugin(h);
    std::lock_guard lock(p.subscriptions_mu);
    p.subscriptions.insert(id);
    return id;
  }

  static void Unsubscribe(bciin_host* h, uint64_t id) {
    auto& p = Plugin(h);
    {
      std::lock_guard lock(p.subscriptions_mu);
      p.subscriptions.erase(id);
    }
    h->runtime->bus_.Unsubscribe(id);
  }

  static int32_t Post(bciin_host* h, bciin_work_fn fn, void* user) {
    if (!fn) return BCIIN_ERR_INVALID_ARGUMENT;
    return h->runtime->pool_.Post([fn, user] { fn(user); }) ? BCIIN_OK : BCIIN_ERR_BUSY;
  }

  static const char* DataDir(bciin_host* h) { return h->runtime->data_dir_text_.c_str(); }
};

const bciin_host_api* HostApi() {
  static const bciin_host_api api = {
      .size = sizeof(bciin_host_api),
      .abi_major = BCIIN_ABI_MAJOR,
      .abi_minor = BCIIN_ABI_MINOR,
      .host_version = kHostVersion,
      .log = &HostCalls::Log,
      .option_count = &HostCalls::OptionCount,
      .option_get = &HostCalls::OptionGet,
      .find_service = &HostCalls::FindService,
      .publish = &HostCalls::Publish,
      .subscribe = &HostCalls::Subscribe,
      .unsubscribe = &HostCalls::Unsubscribe,
      .post = &HostCalls::Post,
      .data_dir = &HostCalls::DataDir,
  };
  return &api;
}

PluginRuntime::PluginRuntime(Logger* logger, std::filesystem::path data_dir, PluginSettings settings,
                             size_t worker_threads)
    : logger_(logger),
      data_dir_(std::move(data_dir)),
      data_dir_text_(data_dir_.string()),
      settings_(std::move(settings)),
      pool_(worker_threads),
      bus_(&pool_) {}

PluginRuntime::~PluginRuntime() {
  StopAll();
  DestroyAll();
}

Status PluginRuntime::Load(const std::vector<const Manifest*>& ordered) {
  for (const Manifest* m : ordered) {
    auto loaded = std::make_unique<Loaded>();
    BCIIN_RETURN_IF_ERROR(PluginLibrary::Load(*m, &loaded->library));
    loaded->handle = bciin_host{this, plugins_.size()};
    logger_->Debug("loaded plugin {} {} from {}", m->id, m->version_text, m->library.string());
    plugins_.push_back(std::move(loaded));
  }
  return Status();
}

Status PluginRuntime::CreateAll() {
  for (auto& p : plugins_) {
    const auto& d = p->library->descriptor();
    bciin_error error{};
    p->instance = d.create(HostApi(), &p->handle, &error);
    if (!p->instance) {
      Status s = error.code ? Status::FromError(error) : Status::Internal("create returned no instance");
      s = s.WithContext("plugin '" + p->id() + "' failed in create");
      DestroyAll();  // frees `p` too
      return s;
    }
    // Register what it provides, so later plugins find it during their own create.
    for (const auto& provide : p->library->manifest().provides) {
      const bciin_service_header* header = d.query_service ? d.query_service(p->instance, provide.id.c_str()) : nullptr;
      if (!header) {
        logger_->Warn("plugin {} declares service {} but does not provide it", p->id(), provide.id);
        continue;
      }
      std::lock_guard lock(services_mu_);
      services_.emplace(provide.id, ServiceEntry{header, provide.version, p->id()});
    }
    logger_->Debug("created plugin {}", p->id());
  }
  return Status();
}

Status PluginRuntime::StartAll() {
  for (auto& p : plugins_) {
    const auto& d = p->library->descriptor();
    if (!d.start) {
      p->started = true;
      continue;
    }
    bciin_error error{};
    int32_t rc = d.start(p->instance, &error);
    if (rc != BCIIN_OK) {
      Status s = error.code ? Status::FromError(error) : Status(static_cast<bciin_status_code>(rc), "start failed");
      logger_->Error("plugin {} failed to start: {}; stopping the plugins started before it", p->id(), s.ToString());
      StopAll();
      return s.WithContext("plugin '" + p->id() + "' failed in start");
    }
    p->started = true;
    logger_->Info("started plugin {} {}", p->id(), p->library->manifest().version_text);
  }
  return Status();
}

void PluginRuntime::StopAll() {
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    auto& p = **it;
    if (!p.started) continue;
    p.started = false;
    const auto& d = p.library->descriptor();
    if (!d.stop) continue;
    bciin_error error{};
    if (d.stop(p.instance, &error) != BCIIN_OK)
      logger_->Error("plugin {} failed to stop cleanly: {}", p.id(), Status::FromError(error).ToString());
    else
      logger_->Info("stopped plugin {}", p.id());
  }
}

void PluginRuntime::DestroyAll() {
  // No plugin thread runs after stop; finish queued deliveries and work before freeing anything.
  pool_.Shutdown();
  for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
    auto& p = **it;
    std::set<uint64_t> leftover;
    {
      std::lock_guard lock(p.subscriptions_mu);
      leftover.swap(p.subscriptions);
    }
    for (uint64_t id : leftover) bus_.Unsubscribe(id);
    if (p.instance) {
      {
        std::lock_guard lock(services_mu_);
        for (auto s = services_.begin(); s != services_.end();)
          s = s->second.provider == p.id() ? services_.erase(s) : std::next(s);
      }
      p.library->descriptor().destroy(p.instance);
      p.instance = nullptr;
    }
  }
  // Only now, with every instance gone, may libraries be unmapped.
  plugins_.clear();
}

const bciin_service_header* PluginRuntime::FindService(const std::string& id, const std::string& min_version) const {
  Version min;
  if (!ParseVersion(min_version, &min).ok()) return nullptr;
  std::lock_guard lock(services_mu_);
  auto [begin, end] = services_.equal_range(id);
  for (auto it = begin; it != end; ++it)
    if (!(it->second.version < min)) return it->second.header;
  return nullptr;
}

std::vector<const bciin_service_header*> PluginRuntime::FindAllServices(const std::string& id,
                                                                       const std::string& min_version) const {
  std::vector<const bciin_service_header*> out;
  Version min;
  if (!ParseVersion(min_version, &min).ok()) return out;
  std::lock_guard lock(services_mu_);
  auto [begin, end] = services_.equal_range(id);  // equal keys keep insertion order
  for (auto it = begin; it != end; ++it)
    if (!(it->second.version < min)) out.push_back(it->second.header);
  return out;
}

PluginRuntime* PluginRuntime::FromHandle(bciin_host* host) { return host->runtime; }

const std::string& PluginRuntime::PluginIdOf(bciin_host* host) { return HostCalls::Plugin(host).id(); }

void PluginRuntime::RegisterHostService(const bciin_service_header* header, const std::string& version) {
  Version v;
  if (!ParseVersion(version, &v).ok()) return;
  std::lock_guard lock(services_mu_);
  services_.emplace(header->id, ServiceEntry{header, v, "bciin-node"});
}

std::vector<std::string> PluginRuntime::LoadedIds() const {
  std::vector<std::string> ids;
  for (const auto& p : plugins_) ids.push_back(p->id());
  return ids;
}

}  // namespace bciin::host
