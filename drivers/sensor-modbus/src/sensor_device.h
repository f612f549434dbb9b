// ModbusSensorDevice: one Modbus RTU line with its sensors, polled by a thread, reported as
// telemetry through the device service (bciin::sdk::Device of the sensor-modbus plugin).
//
// [device.NAME] options: the register map (channel.<name>, see register_map.h), and
// poll_interval_ms (1000), response_timeout_ms (500), failures_unreachable (3),
// reconnect_interval_ms (1000), parity (N), data_bits (8), stop_bits (1). Baud defaults to 19200.
//
// Each poll cycle sends one telemetry batch: every channel read (name, unit, value) and
// "slave<N>.health" (online, failing, unreachable). States: IDLE while polling, OFFLINE while a
// slave is unreachable, ERROR while a slave answers with an exception, DISCONNECTED while the
// port cannot be opened. Sensors run no jobs.
#pragma once

#include "sensor_poller.h"

#include <bciin/sdk/device.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace bciin::modbus {

class ModbusSensorDevice : public sdk::Device {
 public:
  using LogFn = std::function<void(bciin_log_level, const std::string&)>;

  // Throws std::invalid_argument for a bad configuration.
  ModbusSensorDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log);
  // For tests: a link of the caller's choosing.
  ModbusSensorDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log,
                     std::unique_ptr<ModbusLink> link);
  ~ModbusSensorDevice() override;

  sdk::DeviceInfo Describe() override;
  sdk::DeviceStatus GetStatus() override;
  Status CheckJob(const sdk::JobSpec&) override { return Status::Unsupported("sensors run no jobs"); }
  Status SubmitJob(const sdk::JobSpec&, uint64_t*) override { return Status::Unsupported("sensors run no jobs"); }
  sdk::JobProgress GetProgress() override { return {}; }

  // Per-slave counters (for tests and the benchmark).
  std::map<int, SlaveState> Slaves();
  uint64_t Cycles();

 private:
  void Run();
  sdk::DeviceStatus StatusLocked() const;

  sdk::DeviceConfig config_;
  std::chrono::milliseconds poll_interval_{1000};
  std::chrono::milliseconds reconnect_interval_{1000};
  sdk::DeviceEvents events_;
  LogFn log_;
  std::unique_ptr<ModbusLink> link_;

  std::mutex mu_;
  SensorPoller poller_;  // guarded by mu_
  bool port_open_ = false;
  std::string port_error_;
  uint64_t reconnects_ = 0;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bciin::modbus
