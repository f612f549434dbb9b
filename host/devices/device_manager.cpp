#include "device_manager.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace bciin::devices {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct DeviceManager::Device {
  DeviceSpec spec;
  std::filesystem::path plugin;
  std::shared_ptr<WorkerProcess> worker;
  uint64_t generation = 0;
  bool open = false;
  uint64_t restarts = 0;
  Ms backoff{0};
  Clock::time_point next_start{};
  Clock::time_point started_at{};
  Clock::time_point last_ping{};
  std::string last_failure;
  sdk::DeviceStatus status;
  sdk::JobProgress progress;
  std::map<std::string, sdk::TelemetryValue> telemetry;
};

// ---- Configuration ---------------------------------------------------------------------------

Status ParseDeviceSections(const std::vector<ConfigItem>& items, std::vector<DeviceSpec>* out) {
  out->clear();
  std::map<std::string, size_t> index;
  std::map<std::string, std::string> first_where;
  for (const ConfigItem& item : items) {
    if (item.section.rfind("device.", 0) != 0) continue;
    std::string name = item.section.substr(7);
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        })) {
      return Status::InvalidArgument(fmt::format("{}: device name '{}' must be [a-z0-9_-]+", item.where, name));
    }
    if (!index.count(name)) {
      index[name] = out->size();
      first_where[name] = item.where;
      out->push_back(DeviceSpec{});
      out->back().name = name;
    }
    DeviceSpec& spec = (*out)[index[name]];
    if (item.key == "driver") {
      spec.driver = item.value;
    } else if (item.key == "port") {
      spec.port = item.value;
    } else if (item.key == "baud") {
      char* end = nullptr;
      unsigned long b = std::strtoul(item.value.c_str(), &end, 10);
      if (item.value.empty() || *end != '\0' || b == 0 || b > 10000000) {
        return Status::InvalidArgument(fmt::format("{}: baud '{}' is not a baud rate", item.where, item.value));
      }
      spec.baud = static_cast<uint32_t>(b);
    } else {
      spec.options[item.key] = item.value;
    }
  }
  for (const DeviceSpec& spec : *out) {
    if (spec.driver.empty()) {
      return Status::InvalidArgument(fmt::format("{}: [device.{}] has no 'driver = ...'", first_where[spec.name], spec.name));
    }
  }
  return Status::Ok();
}

// ---- Lifecycle -------------------------------------------------------------------------------

DeviceManager::DeviceManager(ManagerOptions options, EventFn on_event, LogFn log)
    : options_(std::move(options)), on_event_(std::move(on_event)), log_(std::move(log)) {}

DeviceManager::~DeviceManager() { Stop(); }

Status DeviceManager::Configure(std::vector<DeviceSpec> specs) {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return Status::Busy("configure before Start()");
  devices_.clear();
  for (DeviceSpec& spec : specs) {
    if (devices_.count(spec.name)) return Status::AlreadyExists(fmt::format("device '{}' is configured twice", spec.name));
    auto d = std::make_unique<Device>();
    auto known = options_.driver_libraries.find(spec.driver);
    d->plugin = known != options_.driver_libraries.end() ? known->second : options_.plugin_dir / (spec.driver + ".so");
    if (!std::filesystem::exists(d->plugin)) {
      return Status::NotFound(fmt::format("device '{}': driver '{}' is not installed (no {})", spec.name, spec.driver,
                                          d->plugin.string()));
    }
    std::filesystem::path manifest = d->plugin.parent_path() / (spec.driver + ".json");
    if (std::filesystem::exists(manifest)) {
      try {
        std::ifstream in(manifest);
        json m = json::parse(in);
        bool provides = false;
        for (const auto& p : m.value("provides", json::array())) {
          provides = provides || p.value("id", "") == BCIIN_DEVICE_DRIVER_SERVICE_ID;
        }
        if (!provides) {
          return Status::InvalidArgument(fmt::format("device '{}': plugin '{}' does not provide {}", spec.name,
                                                     spec.driver, BCIIN_DEVICE_DRIVER_SERVICE_ID));
        }
      } catch (const std::exception& e) {
        return Status::Corruption(fmt::format("{}: {}", manifest.string(), e.what()));
      }
    }
    d->backoff = options_.restart_backoff_initial;
    d->status.message = "not started";
    d->spec = std::move(spec);
    devices_[d->spec.name] = std::move(d);
  }
  return Status::Ok();
}

Status DeviceManager::Start() {
  if (!std::filesystem::exists(options_.worker_path)) {
    return Status::NotFound("device worker not found: " + options_.worker_path.string());
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return Status::Ok();
  running_ = true;
  for (auto& [name, d] : devices_) d->next_start = Clock::now();
  supervisor_ = std::thread([this] { Supervise(); });
  return Status::Ok();
}

void DeviceManager::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    running_ = false;
    changed_.notify_all();
  }
  if (supervisor_.joinable()) supervisor_.join();
  std::vector<std::shared_ptr<WorkerProcess>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, d] : devices_) {
      if (d->worker) workers.push_back(std::move(d->worker));
      d->worker.reset();
      d->open = false;
      ++d->generation;
    }
  }
  for (auto& w : workers) w->Stop(Ms(2000));
}

void DeviceManager::Publish(const std::string& topic, const json& payload) {
  if (on_event_) on_event_(topic, payload);
}

void DeviceManager::MarkFailed(Device* d, const std::string& reason) {
  // Called with mu_ held. The worker itself is killed by the caller, outside the lock.
  if (log_) log_(BCIIN_LOG_ERROR, fmt::format("device {}: driver failed: {}", d->spec.name, reason));
  auto now = Clock::now();
  if (now - d->started_at > options_.stable_after) d->backoff = options_.restart_backoff_initial;
  d->next_start = now + d->backoff;
  d->backoff = std::min(options_.restart_backoff_max, d->backoff * 2);
  ++d->restarts;
  ++d->generation;
  d->open = false;
  d->last_failure = reason;
  d->status.state = BCIIN_DEVICE_DISCONNECTED;
  d->status.message = "driver restarting after: " + reason;
  if (d->progress.state == BCIIN_JOB_RUNNING || d->progress.state == BCIIN_JOB_PAUSED) {
    d->progress.state = BCIIN_JOB_FAILED;
    d->progress.message = "the driver failed: " + reason;
  }
  changed_.notify_all();
}

void DeviceManager::StartWorker(Device* d) {
  // Supervisor thread, without mu_.
  auto worker = std::make_shared<WorkerProcess>();
  uint64_t generation;
  DeviceSpec spec;
  std::filesystem::path plugin;
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation = ++d->generation;
    spec = d->spec;
    plugin = d->plugin;
  }
  Status s = worker->Start(options_.worker_path, plugin, options_.data_dir,
                           [this, d, generation](const json& ev) { OnWorkerEvent(d, generation, ev); });
  if (s.ok()) {
    sdk::DeviceConfig config;
    config.name = spec.name;
    config.port = spec.port;
    config.baud = spec.baud;
    config.options = spec.options;
    s = worker->Call("open", {{"config", ToJson(config)}}, options_.call_timeout);
  }
  std::unique_lock<std::mutex> lock(mu_);
  if (!s.ok()) {
    std::string why = s.ToString();
    if (!worker->alive() && !worker->exit_reason().empty()) why += " (driver process " + worker->exit_reason() + ")";
    MarkFailed(d, "open: " + why);
    lock.unlock();
    worker->Kill();
    Publish("device." + spec.name + ".driver", {{"event", "failed"}, {"reason", why}, {"restarts", d->restarts}});
    return;
  }
  d->worker = worker;
  d->open = true;
  d->started_at = Clock::now();
  d->last_ping = d->started_at;
  json ev = {{"event", "started"}, {"pid", worker->pid()}, {"restarts", d->restarts}};
  changed_.notify_all();
  lock.unlock();
  if (log_) log_(BCIIN_LOG_INFO, fmt::format("device {}: driver {} running as pid {}", spec.name, spec.driver, worker->pid()));
  Publish("device." + spec.name + ".driver", ev);
}

void DeviceManager::Supervise() {
  for (;;) {
    std::vector<Device*> to_start;
    std::vector<std::pair<Device*, std::shared_ptr<WorkerProcess>>> to_ping;
    std::vector<std::shared_ptr<WorkerProcess>> to_kill;
    std::vector<std::pair<std::string, json>> events;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait_for(lock, Ms(50), [&] { return !running_; });
      if (!running_) return;
      auto now = Clock::now();
      for (auto& [name, d] : devices_) {
        if (d->worker && !d->worker->alive()) {
          std::string reason = "driver process " + (d->worker->exit_reason().empty() ? std::string("ended")
                                                                                     : d->worker->exit_reason());
          MarkFailed(d.get(), reason);
          to_kill.push_back(std::move(d->worker));
          d->worker.reset();
          events.push_back({"device." + name + ".driver",
                            {{"event", "restarting"}, {"reason", reason}, {"restarts", d->restarts}}});
        } else if (!d->worker && now >= d->next_start) {
          to_start.push_back(d.get());
        } else if (d->worker && d->open && now - d->last_ping >= options_.heartbeat_interval) {
          d->last_ping = now;
          to_ping.push_back({d.get(), d->worker});
        }
      }
    }
    for (auto& w : to_kill) w->Kill();
    for (auto& [topic, payload] : events) Publish(topic, payload);
    for (auto& [d, w] : to_ping) {
      Status s = w->Call("ping", json::object(), options_.heartbeat_timeout);
      if (s.is(BCIIN_ERR_TIMEOUT)) {
        std::string reason = fmt::format("driver hung: no heartbeat within {} ms", options_.heartbeat_timeout.count());
        std::string name;
        {
          std::lock_guard<std::mutex> lock(mu_);
          if (d->worker != w) continue;
          MarkFailed(d, reason);
          d->worker.reset();
          name = d->spec.name;
        }
        w->Kill();
        Publish("device." + name + ".driver", {{"event", "restarting"}, {"reason", reason}});
      }
    }
    for (Device* d : to_start) StartWorker(d);
  }
}

void DeviceManager::OnWorkerEvent(Device* d, uint64_t generation, const json& ev) {
  std::string kind = ev.value("event", "");
  std::string topic;
  json payload;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (generation != d->generation) return;  // a replaced worker
    topic = "device." + d->spec.name + "." + kind;
    try {
      if (kind == "state") {
        d->status = StatusFromJson(ev.at("status"));
        payload = ev.at("status");
      } else if (kind == "progress") {
        d->progress = ProgressFromJson(ev.at("progress"));
        payload = ev.at("progress");
      } else if (kind == "telemetry") {
        for (const auto& v : ev.at("values")) {
          auto t = TelemetryFromJson(v);
          d->telemetry[t.name] = t;
        }
        payload = {{"values", ev.at("values")}};
      } else if (kind == "console") {
        payload = {{"direction", ev.value("direction", "")}, {"line", ev.value("line", "")}};
      } else if (kind == "log") {
        if (log_) log_(static_cast<bciin_log_level>(ev.value("level", 2)), ev.value("message", ""));
        return;
      } else if (kind == "publish") {
        topic = ev.value("topic", "");
        payload = ev.value("payload", "");
      } else {
        return;
      }
    } catch (const std::exception& e) {
      if (log_) log_(BCIIN_LOG_WARN, fmt::format("device {}: malformed event: {}", d->spec.name, e.what()));
      return;
    }
    changed_.notify_all();
  }
  Publish(topic, payload);
}

// ---- Operations ------------------------------------------------------------------------------

Status DeviceManager::Call(const std::string& name, const std::string& op, const json& args, json* result) {
  std::shared_ptr<WorkerProcess> worker;
  Device* d = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = devices_.find(name);
    if (it == devices_.end()) return Status::NotFound(fmt::format("no device '{}'", name));
    d = it->second.get();
    if (!d->worker || !d->open) {
      return Status::Busy(fmt::format("device '{}': the driver is not running{}", name,
                                      d->last_failure.empty() ? "" : " (restarting after: " + d->last_failure + ")"));
    }
    worker = d->worker;
  }
  Status s = worker->Call(op, args, options_.call_timeout, result);
  if (s.is(BCIIN_ERR_TIMEOUT)) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (d->worker != worker) return s;
      MarkFailed(d, fmt::format("driver hung: '{}' not answered within {} ms", op, options_.call_timeout.count()));
      d->worker.reset();
    }
    worker->Kill();
    Publish("device." + name + ".driver", {{"event", "restarting"}, {"reason", s.message()}});
  }
  return s;
}

DeviceSummary DeviceManager::SummaryLocked(const Device& d) const {
  DeviceSummary s;
  s.name = d.spec.name;
  s.driver = d.spec.driver;
  s.port = d.spec.port;
  s.driver_running = d.worker && d.open && d.worker->alive();
  s.worker_pid = d.worker ? d.worker->pid() : -1;
  s.restarts = d.restarts;
  s.last_failure = d.last_failure;
  s.status = d.status;
  s.progress = d.progress;
  return s;
}

std::vector<DeviceSummary> DeviceManager::List() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeviceSummary> out;
  for (const auto& [name, d] : devices_) out.push_back(SummaryLocked(*d));
  return out;
}

Status DeviceManager::Summary(const std::string& name, DeviceSummary* out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(name);
  if (it == devices_.end()) return Status::NotFound(fmt::format("no device '{}'", name));
  *out = SummaryLocked(*it->second);
  return Status::Ok();
}

Status DeviceManager::Telemetry(const std::string& name, std::vector<sdk::TelemetryValue>* out) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(name);
  if (it == devices_.end()) return Status::NotFound(fmt::format("no device '{}'", name));
  out->clear();
  for (const auto& [k, v] : it->second->telemetry) out->push_back(v);
  return Status::Ok();
}

bool DeviceManager::WaitFor(const std::string& name, const std::function<bool(const DeviceSummary&)>& pred,
                            Ms timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = devices_.find(name);
  if (it == devices_.end()) return false;
  Device* d = it->second.get();
  return changed_.wait_for(lock, timeout, [&] { return pred(SummaryLocked(*d)); });
}

Status DeviceManager::Describe(const std::string& name, sdk::DeviceInfo* out) {
  json r;
  BCIIN_RETURN_IF_ERROR(Call(name, "describe", json::object(), &r));
  *out = InfoFromJson(r);
  return Status::Ok();
}
Status DeviceManager::GetStatus(const std::string& name, sdk::DeviceStatus* out) {
  json r;
  BCIIN_RETURN_IF_ERROR(Call(name, "status", json::object(), &r));
  *out = StatusFromJson(r);
  return Status::Ok();
}
Status DeviceManager::GetProgress(const std::string& name, sdk::JobProgress* out) {
  json r;
  BCIIN_RETURN_IF_ERROR(Call(name, "progress", json::object(), &r));
  *out = ProgressFromJson(r);
  return Status::Ok();
}
Status DeviceManager::CheckJob(const std::string& name, const sdk::JobSpec& job) {
  return Call(name, "check", {{"job", ToJson(job)}});
}
Status DeviceManager::SubmitJob(const std::string& name, const sdk::JobSpec& job, uint64_t* job_id) {
  json r;
  BCIIN_RETURN_IF_ERROR(Call(name, "submit", {{"job", ToJson(job)}}, &r));
  *job_id = r.value("job_id", uint64_t{0});
  return Status::Ok();
}
Status DeviceManager::Pause(const std::string& name) { return Call(name, "pause", json::object()); }
Status DeviceManager::Resume(const std::string& name) { return Call(name, "resume", json::object()); }
Status DeviceManager::Cancel(const std::string& name) { return Call(name, "cancel", json::object()); }
Status DeviceManager::EmergencyStop(const std::string& name) { return Call(name, "estop", json::object()); }
Status DeviceManager::Reset(const std::string& name) { return Call(name, "reset", json::object()); }
Status DeviceManager::ConsoleSend(const std::string& name, const std::string& line) {
  return Call(name, "console", {{"line", line}});
}

}  // namespace bciin::devices
