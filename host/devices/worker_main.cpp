// bciin-device-worker: runs one device driver in its own process, so that a driver that
// crashes or hangs cannot take the node down.
//
//   bciin-device-worker --plugin <driver.so> --fd <n> [--data-dir <dir>]
//
// Speaks framed JSON on descriptor <n> (a socketpair end from the device manager). Requests
// {"id": n, "op": "...", ...} get replies {"id": n, "ok": true, "result": ...} or
// {"id": n, "ok": false, "code": c, "message": "..."}; device events flow the other way as
// {"event": "state" | "progress" | "telemetry" | "console" | "log" | "publish", ...}.
// Operations: open (first, once), describe, status, progress, check, submit, pause, resume,
// cancel, estop, reset, console, ping, close. The worker exits when the socket closes.
#include "device_json.hpp"
#include "frame.hpp"

#include <bciin/abi.h>
#include <bciin/device.h>
#include <bciin/sdk/device.hpp>

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;
using bciin::Status;

struct bciin_host {
  int fd;
  std::mutex* write_mu;
  std::string data_dir;
};

namespace {

std::mutex g_write_mu;
int g_fd = -1;

void Emit(const json& j) {
  std::lock_guard<std::mutex> lock(g_write_mu);
  bciin::devices::WriteFrame(g_fd, j.dump());
}

// ---- The host table the driver plugin sees ----------------------------------------------------

void HostLog(bciin_host*, int32_t level, const char* message) {
  Emit({{"event", "log"}, {"level", level}, {"message", message ? message : ""}});
}
uint32_t HostOptionCount(bciin_host*, const char*) { return 0; }
int32_t HostOptionGet(bciin_host*, const char*, uint32_t, bciin_sink) { return BCIIN_ERR_NOT_FOUND; }
const bciin_service_header* HostFindService(bciin_host*, const char*, const char*) { return nullptr; }
int32_t HostPublish(bciin_host*, const char* topic, bciin_span payload) {
  Emit({{"event", "publish"},
        {"topic", topic ? topic : ""},
        {"payload", std::string(reinterpret_cast<const char*>(payload.data), payload.size)}});
  return BCIIN_OK;
}
uint64_t HostSubscribe(bciin_host*, const char*, bciin_event_fn, void*) { return 0; }
void HostUnsubscribe(bciin_host*, uint64_t) {}
int32_t HostPost(bciin_host*, bciin_work_fn fn, void* user) {
  std::thread([fn, user] { fn(user); }).detach();
  return BCIIN_OK;
}
const char* HostDataDir(bciin_host* host) { return host->data_dir.c_str(); }

const bciin_host_api kHostApi = {sizeof(bciin_host_api), BCIIN_ABI_MAJOR, BCIIN_ABI_MINOR, "bciin-device-worker",
                                 &HostLog, &HostOptionCount, &HostOptionGet, &HostFindService, &HostPublish,
                                 &HostSubscribe, &HostUnsubscribe, &HostPost, &HostDataDir};

// ---- Device listener: events to the manager ---------------------------------------------------

void OnState(void*, const bciin_device_status* s) {
  Emit({{"event", "state"}, {"status", bciin::devices::ToJson(bciin::sdk::detail::FromC(*s))}});
}
void OnProgress(void*, const bciin_job_progress* p) {
  Emit({{"event", "progress"}, {"progress", bciin::devices::ToJson(bciin::sdk::detail::FromC(*p))}});
}
void OnTelemetry(void*, const bciin_telemetry_value* values, uint32_t count) {
  json list = json::array();
  for (uint32_t i = 0; i < count; ++i) {
    bciin::sdk::TelemetryValue v;
    v.name = values[i].name ? values[i].name : "";
    v.unit = values[i].unit ? values[i].unit : "";
    v.type = static_cast<bciin_telemetry_type>(values[i].type);
    v.number = values[i].number;
    v.integer = values[i].integer;
    v.text = values[i].text ? values[i].text : "";
    v.timestamp_us = values[i].timestamp_us;
    list.push_back(bciin::devices::ToJson(v));
  }
  Emit({{"event", "telemetry"}, {"values", list}});
}
void OnConsole(void*, int32_t direction, const char* line) {
  Emit({{"event", "console"}, {"direction", direction == BCIIN_CONSOLE_SENT ? "sent" : "received"},
        {"line", line ? line : ""}});
}

json Error(const json& id, const Status& s) {
  return {{"id", id}, {"ok", false}, {"code", static_cast<int>(s.code())}, {"message", s.message()}};
}

int Fail(const std::string& message) {
  fmt::print(stderr, "bciin-device-worker: {}\n", message);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plugin_path, data_dir = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--plugin") plugin_path = argv[i + 1];
    else if (k == "--fd") g_fd = std::atoi(argv[i + 1]);
    else if (k == "--data-dir") data_dir = argv[i + 1];
  }
  if (plugin_path.empty() || g_fd < 0) return Fail("usage: --plugin <driver.so> --fd <n> [--data-dir <dir>]");
  std::signal(SIGPIPE, SIG_IGN);

  void* lib = ::dlopen(plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return Fail(fmt::format("cannot load {}: {}", plugin_path, ::dlerror()));
  auto entry = reinterpret_cast<bciin_plugin_entry_fn>(::dlsym(lib, BCIIN_PLUGIN_ENTRY_SYMBOL));
  if (!entry) return Fail(fmt::format("{} does not export {}", plugin_path, BCIIN_PLUGIN_ENTRY_SYMBOL));
  const bciin_plugin_descriptor* d = entry();
  if (!d || d->abi_major != BCIIN_ABI_MAJOR || d->abi_minor > BCIIN_ABI_MINOR) {
    return Fail(fmt::format("{} was built for ABI {}.{}, this worker has {}.{}", plugin_path, d ? d->abi_major : 0,
                            d ? d->abi_minor : 0, BCIIN_ABI_MAJOR, BCIIN_ABI_MINOR));
  }
  bciin_host host{g_fd, &g_write_mu, data_dir};
  bciin_error err{};
  void* instance = d->create(&kHostApi, &host, &err);
  if (!instance) return Fail(fmt::format("create {}: {}", d->id, err.message));
  if (d->start(instance, &err) != BCIIN_OK) return Fail(fmt::format("start {}: {}", d->id, err.message));
  auto* svc = reinterpret_cast<const bciin_device_driver_service*>(d->query_service(instance, BCIIN_DEVICE_DRIVER_SERVICE_ID));
  if (!svc || svc->header.size < sizeof(bciin_device_driver_service)) {
    return Fail(fmt::format("{} does not provide {}", d->id, BCIIN_DEVICE_DRIVER_SERVICE_ID));
  }

  bciin_device_listener listener{sizeof(bciin_device_listener), nullptr, &OnState, &OnProgress, &OnTelemetry, &OnConsole};
  bciin::sdk::DeviceHandle device;
  bciin::devices::FrameReader reader(g_fd);
  std::string frame;
  bool closing = false;
  while (!closing) {
    Status rs = reader.Read(&frame, std::chrono::hours(24));
    if (rs.is(BCIIN_ERR_TIMEOUT)) continue;
    if (!rs.ok()) break;  // the manager went away
    json req, reply;
    try {
      req = json::parse(frame);
    } catch (const std::exception& e) {
      Emit({{"event", "log"}, {"level", BCIIN_LOG_ERROR}, {"message", std::string("bad request: ") + e.what()}});
      continue;
    }
    const json id = req.value("id", json());
    const std::string op = req.value("op", "");
    try {
      json result = json::object();
      Status s;
      if (op == "ping") {
      } else if (op == "open") {
        if (device.is_open()) {
          s = Status::AlreadyExists("device already open");
        } else {
          s = bciin::sdk::DeviceHandle::Open(svc, bciin::devices::ConfigFromJson(req.at("config")), listener, &device);
        }
      } else if (op == "close") {
        closing = true;
      } else if (!device.is_open()) {
        s = Status::NotFound("no device is open");
      } else if (op == "describe") {
        bciin::sdk::DeviceInfo info;
        s = device.Describe(&info);
        if (s.ok()) result = bciin::devices::ToJson(info);
      } else if (op == "status") {
        bciin::sdk::DeviceStatus st;
        s = device.GetStatus(&st);
        if (s.ok()) result = bciin::devices::ToJson(st);
      } else if (op == "progress") {
        bciin::sdk::JobProgress p;
        s = device.GetProgress(&p);
        if (s.ok()) result = bciin::devices::ToJson(p);
      } else if (op == "check") {
        s = device.CheckJob(bciin::devices::JobFromJson(req.at("job")));
      } else if (op == "submit") {
        uint64_t job_id = 0;
        s = device.SubmitJob(bciin::devices::JobFromJson(req.at("job")), &job_id);
        if (s.ok()) result = {{"job_id", job_id}};
      } else if (op == "pause") {
        s = device.Pause();
      } else if (op == "resume") {
        s = device.Resume();
      } else if (op == "cancel") {
        s = device.Cancel();
      } else if (op == "estop") {
        s = device.EmergencyStop();
      } else if (op == "reset") {
        s = device.Reset();
      } else if (op == "console") {
        s = device.ConsoleSend(req.at("line").get<std::string>());
      } else {
        s = Status::Unsupported("unknown operation '" + op + "'");
      }
      reply = s.ok() ? json{{"id", id}, {"ok", true}, {"result", result}} : Error(id, s);
    } catch (const std::exception& e) {
      reply = Error(id, Status::InvalidArgument(std::string("bad request: ") + e.what()));
    }
    Emit(reply);
  }
  device.Close();
  d->stop(instance, &err);
  d->destroy(instance);
  // The library stays loaded: threads a misbehaving driver left behind must not run unmapped code.
  return 0;
}
