// bciin::devices::DeviceManager: the node's devices, each driver isolated in its own process.
//
// The manager reads the [device.NAME] sections, starts one bciin-device-worker per device
// (which loads the driver plugin <plugin_dir>/<driver>.so and opens the device), and
// supervises them: a heartbeat every heartbeat_interval, a worker that does not answer within
// heartbeat_timeout (a hung driver) is killed, and a worker that died (a crashed driver) is
// started again after a backoff that doubles up to restart_backoff_max and resets once a
// worker has run for stable_after. A call into a hung driver fails with Timeout after
// call_timeout and the worker is replaced. The node never shares an address space with a
// driver, so no driver fault reaches it.
//
// Events are handed to the EventFn (the runtime publishes them on its event bus) with topics
//   device.<name>.state      {"state": "idle", "message": ..., "job_id": n, "reconnects": n}
//   device.<name>.progress   JobProgress as JSON
//   device.<name>.telemetry  {"values": [{"name", "unit", "value", "timestamp_us"}]}
//   device.<name>.console    {"direction": "received" | "sent", "line": ...}
//   device.<name>.driver     {"event": "started" | "failed" | "restarting", "pid", "reason", "restarts"}
//
// Every operation names a device and returns a Status; results are plain SDK structs, so the
// HTTP API and bciin-cli are thin layers (device_json.hpp gives the JSON forms).
// Thread safety: all public methods may be called from any thread.
#pragma once

#include "device_json.hpp"
#include "worker_process.hpp"

#include <bciin/sdk/device.hpp>
#include <bciin/sdk/status.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bciin::devices {

using Ms = std::chrono::milliseconds;

// One [device.NAME] section.
struct DeviceSpec {
  std::string name;
  std::string driver;  // plugin id: "printer-marlin"
  std::string port;
  uint32_t baud = 0;
  std::map<std::string, std::string> options;  // every other key
};

// One `key = value` of the configuration, wherever it came from ("node.ini:12").
struct ConfigItem {
  std::string section;
  std::string key;
  std::string value;
  std::string where;
};

// Collects the [device.NAME] sections of a configuration. Errors name the file and line:
// a device without `driver`, a bad `baud`, a bad device name.
Status ParseDeviceSections(const std::vector<ConfigItem>& items, std::vector<DeviceSpec>* out);

struct ManagerOptions {
  std::filesystem::path plugin_dir;   // where <driver>.so and <driver>.json are
  // The node's plugin catalog: driver id -> its library, across every plugin-dir. A driver
  // listed here is taken from there; others from plugin_dir.
  std::map<std::string, std::filesystem::path> driver_libraries;
  std::filesystem::path worker_path;  // bciin-device-worker
  std::string data_dir = ".";
  Ms heartbeat_interval{500};
  Ms heartbeat_timeout{3000};
  Ms call_timeout{5000};
  Ms restart_backoff_initial{250};
  Ms restart_backoff_max{30000};
  Ms stable_after{60000};
};

// What List() reports per device.
struct DeviceSummary {
  std::string name;
  std::string driver;
  std::string port;
  bool driver_running = false;
  int64_t worker_pid = -1;
  uint64_t restarts = 0;
  std::string last_failure;
  sdk::DeviceStatus status;      // the driver's last reported state
  sdk::JobProgress progress;     // the last reported progress
};

class DeviceManager {
 public:
  using EventFn = std::function<void(const std::string& topic, const nlohmann::json& payload)>;
  using LogFn = std::function<void(bciin_log_level, const std::string&)>;

  DeviceManager(ManagerOptions options, EventFn on_event, LogFn log);
  ~DeviceManager();  // Stop()

  // Checks the specs (unique names, each driver installed and providing the device service).
  Status Configure(std::vector<DeviceSpec> specs);
  // Starts every device and the supervisor. Devices come up in the background.
  Status Start();
  // Stops supervision and every worker (graceful close, then SIGKILL).
  void Stop();

  std::vector<DeviceSummary> List();
  Status Summary(const std::string& name, DeviceSummary* out);
  // The latest value of each telemetry channel of a device.
  Status Telemetry(const std::string& name, std::vector<sdk::TelemetryValue>* out);

  Status Describe(const std::string& name, sdk::DeviceInfo* out);
  Status GetStatus(const std::string& name, sdk::DeviceStatus* out);
  Status GetProgress(const std::string& name, sdk::JobProgress* out);
  Status CheckJob(const std::string& name, const sdk::JobSpec& job);
  Status SubmitJob(const std::string& name, const sdk::JobSpec& job, uint64_t* job_id);
  Status Pause(const std::string& name);
  Status Resume(const std::string& name);
  Status Cancel(const std::string& name);
  Status EmergencyStop(const std::string& name);
  Status Reset(const std::string& name);
  Status ConsoleSend(const std::string& name, const std::string& line);

  // Waits until `pred(summary)` holds for device `name` (tests, CLI "watch"); false on timeout.
  bool WaitFor(const std::string& name, const std::function<bool(const DeviceSummary&)>& pred, Ms timeout);

 private:
  struct Device;

  Status Call(const std::string& name, const std::string& op, const nlohmann::json& args,
              nlohmann::json* result = nullptr);
  void Supervise();
  void StartWorker(Device* d);
  void OnWorkerEvent(Device* d, uint64_t generation, const nlohmann::json& event);
  void Publish(const std::string& topic, const nlohmann::json& payload);
  void MarkFailed(Device* d, const std::string& reason);
  DeviceSummary SummaryLocked(const Device& d) const;

  ManagerOptions options_;
  EventFn on_event_;
  LogFn log_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::unique_ptr<Device>> devices_;
  bool running_ = false;
  std::thread supervisor_;
};

}  // namespace bciin::devices
