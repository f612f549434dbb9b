// The C++ face of the device service (<bciin/device.h>).
//
// For a driver: derive one class from bciin::sdk::Device (one open device) and one from
// bciin::sdk::DeviceDriver (opens devices), keep a DeviceDriverService in the plugin and return
// its header() from Plugin::Service(). Exceptions thrown by driver code become bciin_errors at
// the boundary.
//
//   class MyPrinter : public bciin::sdk::Device { ... };
//   class MyDriver : public bciin::sdk::DeviceDriver {
//     bciin::Status Open(const DeviceConfig& c, DeviceEvents events,
//                        std::unique_ptr<Device>* out) override { ... }
//   };
//
// For a host (the device manager, tests): DeviceHandle wraps an open bciin_device.
#pragma once

#include <bciin/abi.h>
#include <bciin/device.h>
#include <bciin/sdk/plugin.hpp>
#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstring>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::sdk {
inline namespace v1 {

// ---- Plain C++ mirrors of the C structs ---------------------------------------------------

struct DeviceConfig {
  std::string name;
  std::string port;
  uint32_t baud = 0;
  std::map<std::string, std::string> options;

  // The option's value, or `fallback` when it is not set.
  std::string Get(const std::string& key, const std::string& fallback = "") const {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
  // Numeric option; throws std::invalid_argument naming the option when malformed.
  double GetNumber(const std::string& key, double fallback) const {
    auto it = options.find(key);
    if (it == options.end() || it->second.empty()) return fallback;
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(it->second, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != it->second.size()) {
      throw std::invalid_argument("option " + key + " of device " + name + ": '" + it->second +
                                  "' is not a number");
    }
    return v;
  }
  bool GetBool(const std::string& key, bool fallback) const {
    auto it = options.find(key);
    if (it == options.end() || it->second.empty()) return fallback;
    return it->second == "true" || it->second == "1" || it->second == "yes" || it->second == "on";
  }
};

struct DeviceInfo {
  std::string model;
  std::string firmware;
  std::string protocol;
  uint64_t capabilities = 0;
  std::string firmware_caps;
};

struct DeviceStatus {
  bciin_device_state state = BCIIN_DEVICE_DISCONNECTED;
  uint64_t job_id = 0;
  uint64_t reconnects = 0;
  std::string message;
};

struct JobSpec {
  std::string name;
  std::string program;
  std::map<std::string, std::string> params;
  uint32_t copies = 1;
};

struct JobProgress {
  uint64_t job_id = 0;
  bciin_job_state state = BCIIN_JOB_NONE;
  uint32_t copies = 0;
  uint32_t copy = 0;
  uint64_t lines_total = 0;
  uint64_t lines_done = 0;
  uint32_t source_line = 0;
  int64_t elapsed_ms = 0;
  int64_t remaining_ms = -1;
  std::string message;
};

struct TelemetryValue {
  std::string name;
  std::string unit;
  bciin_telemetry_type type = BCIIN_TELEMETRY_NUMBER;
  double number = 0;
  int64_t integer = 0;
  std::string text;
  int64_t timestamp_us = 0;

  static int64_t NowUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static TelemetryValue Number(std::string name, std::string unit, double v, int64_t ts = NowUs()) {
    TelemetryValue t;
    t.name = std::move(name);
    t.unit = std::move(unit);
    t.number = v;
    t.timestamp_us = ts;
    return t;
  }
};

const char* DeviceStateName(bciin_device_state s);
const char* JobStateName(bciin_job_state s);

inline const char* DeviceStateName(bciin_device_state s) {
  switch (s) {
    case BCIIN_DEVICE_DISCONNECTED: return "disconnected";
    case BCIIN_DEVICE_CONNECTING: return "connecting";
    case BCIIN_DEVICE_IDLE: return "idle";
    case BCIIN_DEVICE_RUNNING: return "running";
    case BCIIN_DEVICE_PAUSED: return "paused";
    case BCIIN_DEVICE_ERROR: return "error";
    case BCIIN_DEVICE_STOPPED: return "stopped";
    case BCIIN_DEVICE_OFFLINE: return "offline";
  }
  return "unknown";
}

inline const char* JobStateName(bciin_job_state s) {
  switch (s) {
    case BCIIN_JOB_NONE: return "none";
    case BCIIN_JOB_RUNNING: return "running";
    case BCIIN_JOB_PAUSED: return "paused";
    case BCIIN_JOB_COMPLETED: return "completed";
    case BCIIN_JOB_CANCELLED: return "cancelled";
    case BCIIN_JOB_FAILED: return "failed";
  }
  return "unknown";
}

namespace detail {

inline void CopyText(char* dst, size_t cap, const std::string& src) {
  size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}
inline std::string FromText(const char* src, size_t cap) { return std::string(src, strnlen(src, cap)); }

// Writes `src` into `*dst` up to dst->size bytes (the caller's version of the struct).
template <typename C>
void FillSized(C* dst, const C& src) {
  uint32_t n = dst->size < sizeof(C) ? dst->size : static_cast<uint32_t>(sizeof(C));
  uint32_t caller_size = dst->size;
  std::memcpy(dst, &src, n);
  dst->size = caller_size;
}

inline bciin_device_status ToC(const DeviceStatus& s) {
  bciin_device_status c{};
  c.size = sizeof(c);
  c.state = s.state;
  c.job_id = s.job_id;
  c.reconnects = s.reconnects;
  CopyText(c.message, sizeof(c.message), s.message);
  return c;
}
inline DeviceStatus FromC(const bciin_device_status& c) {
  DeviceStatus s;
  s.state = static_cast<bciin_device_state>(c.state);
  s.job_id = c.job_id;
  s.reconnects = c.reconnects;
  s.message = FromText(c.message, sizeof(c.message));
  return s;
}
inline bciin_job_progress ToC(const JobProgress& p) {
  bciin_job_progress c{};
  c.size = sizeof(c);
  c.job_id = p.job_id;
  c.state = p.state;
  c.copies = p.copies;
  c.copy = p.copy;
  c.lines_total = p.lines_total;
  c.lines_done = p.lines_done;
  c.source_line = p.source_line;
  c.elapsed_ms = p.elapsed_ms;
  c.remaining_ms = p.remaining_ms;
  CopyText(c.message, sizeof(c.message), p.message);
  return c;
}
inline JobProgress FromC(const bciin_job_progress& c) {
  JobProgress p;
  p.job_id = c.job_id;
  p.state = static_cast<bciin_job_state>(c.state);
  p.copies = c.copies;
  p.copy = c.copy;
  p.lines_total = c.lines_total;
  p.lines_done = c.lines_done;
  p.source_line = c.source_line;
  p.elapsed_ms = c.elapsed_ms;
  p.remaining_ms = c.remaining_ms;
  p.message = FromText(c.message, sizeof(c.message));
  return p;
}
inline bciin_device_info ToC(const DeviceInfo& i) {
  bciin_device_info c{};
  c.size = sizeof(c);
  CopyText(c.model, sizeof(c.model), i.model);
  CopyText(c.firmware, sizeof(c.firmware), i.firmware);
  CopyText(c.protocol, sizeof(c.protocol), i.protocol);
  c.capabilities = i.capabilities;
  CopyText(c.firmware_caps, sizeof(c.firmware_caps), i.firmware_caps);
  return c;
}
inline DeviceInfo FromC(const bciin_device_info& c) {
  DeviceInfo i;
  i.model = FromText(c.model, sizeof(c.model));
  i.firmware = FromText(c.firmware, sizeof(c.firmware));
  i.protocol = FromText(c.protocol, sizeof(c.protocol));
  i.capabilities = c.capabilities;
  i.firmware_caps = FromText(c.firmware_caps, sizeof(c.firmware_caps));
  return i;
}
inline JobSpec FromC(const bciin_job_spec& c) {
  JobSpec j;
  if (c.name) j.name = c.name;
  if (c.program.data) j.program.assign(reinterpret_cast<const char*>(c.program.data), c.program.size);
  for (uint32_t i = 0; i < c.params_count; ++i) {
    if (c.params[i].key) j.params[c.params[i].key] = c.params[i].value ? c.params[i].value : "";
  }
  j.copies = c.copies == 0 ? 1 : c.copies;
  return j;
}

}  // namespace detail

// ---- The driver side -------------------------------------------------------------------------

// The device's way to report to the host. Cheap to copy; thread-safe as long as the driver
// does not report for one device from two threads at once (the C contract).
class DeviceEvents {
 public:
  DeviceEvents() = default;
  explicit DeviceEvents(const bciin_device_listener& l) : l_(l) {
    if (l_.size < sizeof(l_)) std::memset(reinterpret_cast<char*>(&l_) + l.size, 0, sizeof(l_) - l.size);
  }
  void State(const DeviceStatus& s) const {
    if (!l_.on_state) return;
    auto c = detail::ToC(s);
    l_.on_state(l_.user, &c);
  }
  void Progress(const JobProgress& p) const {
    if (!l_.on_progress) return;
    auto c = detail::ToC(p);
    l_.on_progress(l_.user, &c);
  }
  void Telemetry(const std::vector<TelemetryValue>& values) const {
    if (!l_.on_telemetry || values.empty()) return;
    std::vector<bciin_telemetry_value> c(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      c[i] = bciin_telemetry_value{sizeof(bciin_telemetry_value), values[i].name.c_str(),
                                   values[i].unit.c_str(), values[i].type, values[i].number,
                                   values[i].integer, values[i].text.c_str(), values[i].timestamp_us};
    }
    l_.on_telemetry(l_.user, c.data(), static_cast<uint32_t>(c.size()));
  }
  void Console(int32_t direction, const std::string& line) const {
    if (l_.on_console) l_.on_console(l_.user, direction, line.c_str());
  }

 private:
  bciin_device_listener l_{sizeof(bciin_device_listener), nullptr, nullptr, nullptr, nullptr, nullptr};
};

// One open device. The destructor must stop the device's threads; no event after it returns.
class Device {
 public:
  virtual ~Device() = default;
  virtual DeviceInfo Describe() = 0;
  virtual DeviceStatus GetStatus() = 0;
  virtual Status CheckJob(const JobSpec& job) = 0;
  virtual Status SubmitJob(const JobSpec& job, uint64_t* job_id) = 0;
  virtual Status Pause() { return Status::Unsupported("pause"); }
  virtual Status Resume() { return Status::Unsupported("resume"); }
  virtual Status Cancel() { return Status::Unsupported("cancel"); }
  virtual Status EmergencyStop() { return Status::Unsupported("emergency stop"); }
  virtual Status Reset() { return Status::Unsupported("reset"); }
  virtual JobProgress GetProgress() = 0;
  virtual Status ConsoleSend(const std::string& /*line*/) { return Status::Unsupported("console"); }
};

class DeviceDriver {
 public:
  virtual ~DeviceDriver() = default;
  virtual Status Open(const DeviceConfig& config, DeviceEvents events,
                      std::unique_ptr<Device>* out) = 0;
};

namespace detail {

struct DeviceBox {
  std::unique_ptr<Device> device;
};
inline Device* Dev(bciin_device* d) { return reinterpret_cast<DeviceBox*>(d)->device.get(); }

template <typename Fn>
int32_t GuardStatus(bciin_error* error, const char* what, Fn&& fn) noexcept {
  try {
    Status s = fn();
    return s.ok() ? BCIIN_OK : s.WithContext(what).ToError(error);
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) + ": " + e.what()).ToError(error);
  } catch (...) {
    return Status::Internal(std::string(what) + ": a non-standard exception").ToError(error);
  }
}

}  // namespace detail

// The C service table of a DeviceDriver. Keep it alive as long as the plugin.
class DeviceDriverService {
 public:
  explicit DeviceDriverService(DeviceDriver* driver) {
    table_.header = bciin_service_header{sizeof(table_), BCIIN_DEVICE_DRIVER_SERVICE_ID,
                                         BCIIN_DEVICE_DRIVER_SERVICE_VERSION, driver};
    table_.open = &OpenC;
    table_.close = &CloseC;
    table_.describe = [](bciin_device* d, bciin_device_info* out, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "describe", [&] {
        detail::FillSized(out, detail::ToC(detail::Dev(d)->Describe()));
        return Status::Ok();
      });
    };
    table_.get_status = [](bciin_device* d, bciin_device_status* out, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "status", [&] {
        detail::FillSized(out, detail::ToC(detail::Dev(d)->GetStatus()));
        return Status::Ok();
      });
    };
    table_.check_job = [](bciin_device* d, const bciin_job_spec* job, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "check job", [&] { return detail::Dev(d)->CheckJob(detail::FromC(*job)); });
    };
    table_.submit_job = [](bciin_device* d, const bciin_job_spec* job, uint64_t* id, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "submit job",
                                 [&] { return detail::Dev(d)->SubmitJob(detail::FromC(*job), id); });
    };
    table_.pause = [](bciin_device* d, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "pause", [&] { return detail::Dev(d)->Pause(); });
    };
    table_.resume = [](bciin_device* d, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "resume", [&] { return detail::Dev(d)->Resume(); });
    };
    table_.cancel = [](bciin_device* d, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "cancel", [&] { return detail::Dev(d)->Cancel(); });
    };
    table_.emergency_stop = [](bciin_device* d, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "emergency stop", [&] { return detail::Dev(d)->EmergencyStop(); });
    };
    table_.reset = [](bciin_device* d, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "reset", [&] { return detail::Dev(d)->Reset(); });
    };
    table_.get_progress = [](bciin_device* d, bciin_job_progress* out, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "progress", [&] {
        detail::FillSized(out, detail::ToC(detail::Dev(d)->GetProgress()));
        return Status::Ok();
      });
    };
    table_.console_send = [](bciin_device* d, const char* line, bciin_error* e) noexcept {
      return detail::GuardStatus(e, "console", [&] { return detail::Dev(d)->ConsoleSend(line ? line : ""); });
    };
  }
  DeviceDriverService(const DeviceDriverService&) = delete;
  DeviceDriverService& operator=(const DeviceDriverService&) = delete;

  const bciin_service_header* header() const { return &table_.header; }

 private:
  static int32_t OpenC(void* instance, const bciin_device_config* config,
                       const bciin_device_listener* listener, bciin_device** out,
                       bciin_error* error) noexcept {
    return detail::GuardStatus(error, "open", [&] {
      DeviceConfig c;
      c.name = config->name ? config->name : "";
      c.port = config->port ? config->port : "";
      c.baud = config->baud;
      for (uint32_t i = 0; i < config->options_count; ++i) {
        if (config->options[i].key) {
          c.options[config->options[i].key] = config->options[i].value ? config->options[i].value : "";
        }
      }
      bciin_device_listener l{};
      if (listener) std::memcpy(&l, listener, listener->size < sizeof(l) ? listener->size : sizeof(l));
      l.size = listener ? listener->size : 0;
      auto box = std::make_unique<detail::DeviceBox>();
      Status s = static_cast<DeviceDriver*>(instance)->Open(c, DeviceEvents(l), &box->device);
      if (!s.ok()) return s;
      if (!box->device) return Status::Internal("driver returned no device");
      *out = reinterpret_cast<bciin_device*>(box.release());
      return Status::Ok();
    });
  }
  static void CloseC(bciin_device* d) noexcept {
    try {
      delete reinterpret_cast<detail::DeviceBox*>(d);
    } catch (...) {
    }
  }

  bciin_device_driver_service table_{};
};

// ---- The host side -----------------------------------------------------------------------------

// An open device seen from the host: owns the handle, closes it on destruction.
class DeviceHandle {
 public:
  DeviceHandle() = default;
  DeviceHandle(const bciin_device_driver_service* service, bciin_device* device)
      : service_(service), device_(device) {}
  DeviceHandle(DeviceHandle&& o) noexcept { *this = std::move(o); }
  DeviceHandle& operator=(DeviceHandle&& o) noexcept {
    if (this != &o) {
      Close();
      service_ = o.service_;
      device_ = o.device_;
      o.device_ = nullptr;
    }
    return *this;
  }
  ~DeviceHandle() { Close(); }

  // Opens a device through `service`; `listener->user` must outlive the handle.
  static Status Open(const bciin_device_driver_service* service, const DeviceConfig& config,
                     const bciin_device_listener& listener, DeviceHandle* out) {
    std::vector<bciin_device_kv> kv;
    for (const auto& [k, v] : config.options) kv.push_back({k.c_str(), v.c_str()});
    bciin_device_config c{sizeof(c), config.name.c_str(), config.port.c_str(), config.baud,
                          kv.data(), static_cast<uint32_t>(kv.size())};
    bciin_error e{};
    bciin_device* d = nullptr;
    if (service->open(service->header.instance, &c, &listener, &d, &e) != BCIIN_OK) return Status::FromError(e);
    *out = DeviceHandle(service, d);
    return Status::Ok();
  }

  void Close() {
    if (device_) service_->close(device_);
    device_ = nullptr;
  }
  bool is_open() const { return device_ != nullptr; }

  Status Describe(DeviceInfo* out) const {
    bciin_device_info c{};
    c.size = sizeof(c);
    bciin_error e{};
    if (service_->describe(device_, &c, &e) != BCIIN_OK) return Status::FromError(e);
    *out = detail::FromC(c);
    return Status::Ok();
  }
  Status GetStatus(DeviceStatus* out) const {
    bciin_device_status c{};
    c.size = sizeof(c);
    bciin_error e{};
    if (service_->get_status(device_, &c, &e) != BCIIN_OK) return Status::FromError(e);
    *out = detail::FromC(c);
    return Status::Ok();
  }
  Status GetProgress(JobProgress* out) const {
    bciin_job_progress c{};
    c.size = sizeof(c);
    bciin_error e{};
    if (service_->get_progress(device_, &c, &e) != BCIIN_OK) return Status::FromError(e);
    *out = detail::FromC(c);
    return Status::Ok();
  }
  Status CheckJob(const JobSpec& job) const { return CallJob(job, nullptr); }
  Status SubmitJob(const JobSpec& job, uint64_t* job_id) const { return CallJob(job, job_id); }
  Status Pause() const { return Call(service_->pause); }
  Status Resume() const { return Call(service_->resume); }
  Status Cancel() const { return Call(service_->cancel); }
  Status EmergencyStop() const { return Call(service_->emergency_stop); }
  Status Reset() const { return Call(service_->reset); }
  Status ConsoleSend(const std::string& line) const {
    bciin_error e{};
    return service_->console_send(device_, line.c_str(), &e) == BCIIN_OK ? Status::Ok() : Status::FromError(e);
  }

 private:
  Status Call(int32_t (*fn)(bciin_device*, bciin_error*)) const {
    bciin_error e{};
    return fn(device_, &e) == BCIIN_OK ? Status::Ok() : Status::FromError(e);
  }
  Status CallJob(const JobSpec& job, uint64_t* job_id) const {
    std::vector<bciin_device_kv> kv;
    for (const auto& [k, v] : job.params) kv.push_back({k.c_str(), v.c_str()});
    bciin_job_spec c{sizeof(c), job.name.c_str(),
                     bciin_span{reinterpret_cast<const uint8_t*>(job.program.data()), job.program.size()},
                     kv.data(), static_cast<uint32_t>(kv.size()), job.copies};
    bciin_error e{};
    int32_t rc = job_id ? service_->submit_job(device_, &c, job_id, &e) : service_->check_job(device_, &c, &e);
    return rc == BCIIN_OK ? Status::Ok() : Status::FromError(e);
  }

  const bciin_device_driver_service* service_ = nullptr;
  bciin_device* device_ = nullptr;
};

// The plugin of a driver whose devices are all one class, constructed as
//   DeviceClass(const DeviceConfig&, DeviceEvents, std::function<void(bciin_log_level, const std::string&)> log)
// Most drivers need nothing more: BCIIN_DEVICE_DRIVER_PLUGIN(MyDevice) is the whole plugin.
template <typename DeviceClass>
class DeviceDriverPlugin : public Plugin, private DeviceDriver {
 public:
  explicit DeviceDriverPlugin(Host host) : Plugin(host), service_(this) {}

  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_DEVICE_DRIVER_SERVICE_ID ? service_.header() : nullptr;
  }

 private:
  Status Open(const DeviceConfig& config, DeviceEvents events, std::unique_ptr<Device>* out) override {
    Host log_host = host();
    *out = std::make_unique<DeviceClass>(
        config, events, [log_host](bciin_log_level level, const std::string& message) { log_host.Log(level, message); });
    return Status::Ok();
  }

  DeviceDriverService service_;
};

}  // namespace v1
}  // namespace bciin::sdk

// Defines a driver plugin whose devices are DeviceClass (see DeviceDriverPlugin).
#define BCIIN_DEVICE_DRIVER_PLUGIN(DeviceClass)                                      \
  namespace {                                                                        \
  using BciinDeviceDriverPlugin = ::bciin::sdk::DeviceDriverPlugin<DeviceClass>;     \
  }                                                                                  \
  BCIIN_PLUGIN(BciinDeviceDriverPlugin)
