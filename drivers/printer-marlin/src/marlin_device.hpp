// MarlinDevice: one printer behind a serial port, driving a MarlinHost from an I/O thread.
//
// The thread opens the port (and opens it again, every reconnect interval, after it was lost),
// reads lines with a short poll timeout, and feeds the engine lines and ticks. Operator calls
// come from other threads; one mutex serializes every engine call, so an emergency stop is
// written to the port at once, never queued behind the reader.
#pragma once

#include "marlin_host.hpp"

#include <bciin/sdk/device.hpp>
#include <bciin/serial/serial_port.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace bciin::marlin {

// Reads a [device.NAME] section into engine options; throws std::invalid_argument.
HostOptions HostOptionsFromConfig(const sdk::DeviceConfig& config);

class MarlinDevice : public sdk::Device, private LineSink, private HostListener {
 public:
  using LogFn = std::function<void(bciin_log_level, const std::string&)>;

  MarlinDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log);
  ~MarlinDevice() override;

  sdk::DeviceInfo Describe() override;
  sdk::DeviceStatus GetStatus() override;
  Status CheckJob(const sdk::JobSpec& job) override;
  Status SubmitJob(const sdk::JobSpec& job, uint64_t* job_id) override;
  Status Pause() override;
  Status Resume() override;
  Status Cancel() override;
  Status EmergencyStop() override;
  Status Reset() override;
  sdk::JobProgress GetProgress() override;
  Status ConsoleSend(const std::string& line) override;

 private:
  void Run();
  // LineSink
  Status WriteLine(const std::string& line) override;
  // HostListener (called with mu_ held)
  void OnState(const sdk::DeviceStatus& status) override { events_.State(status); }
  void OnProgress(const sdk::JobProgress& progress) override { events_.Progress(progress); }
  void OnTelemetry(const std::vector<sdk::TelemetryValue>& values) override { events_.Telemetry(values); }
  void OnConsole(int32_t direction, const std::string& line) override { events_.Console(direction, line); }
  void OnLog(bciin_log_level level, const std::string& message) override {
    if (log_) log_(level, config_.name + ": " + message);
  }

  sdk::DeviceConfig config_;
  serial::PortSettings settings_;
  Ms reconnect_interval_;
  sdk::DeviceEvents events_;
  LogFn log_;

  std::mutex mu_;
  std::unique_ptr<serial::SerialPort> port_;  // guarded by mu_ for writes; read by the thread
  MarlinHost host_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bciin::marlin
