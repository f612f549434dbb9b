// GrblDevice: one GRBL 1.1 CNC machine behind a serial port, driving a GrblController from an
// I/O thread (bciin::sdk::Device of the cnc-grbl driver plugin).
//
// The thread opens the port (and again every reconnect interval after it was lost or went
// silent), reads lines with a short timeout and feeds the controller lines and ticks. Operator
// calls come from other threads; one mutex serialises every controller call, so a feed hold or
// a soft reset reaches the port at once. Events (state, progress, telemetry, console) are sent
// from the I/O thread only, outside the mutex.
//
// [device.NAME] options (all optional): poll_interval_ms (200, at least 200: <= 5 Hz),
// status_timeout_ms (1000), missed_polls_offline (3), handshake_timeout_ms (2000),
// hold_timeout_ms (10000), rx_buffer (128), rx_reserve (5), unlock_after_cancel (true),
// reconnect_interval_ms (500), progress_interval_ms (250: at most one progress event per
// interval, plus one on every change of the job's state), exclusive (true). Baud: 115200.
#pragma once

#include "grbl_controller.h"

#include <bciin/sdk/device.hpp>
#include <bciin/serial/serial_port.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace bciin::grbl {

// Reads the [device.NAME] options; throws std::invalid_argument naming a bad one.
ControllerOptions ControllerOptionsFromConfig(const sdk::DeviceConfig& config);

class GrblDevice : public sdk::Device, private Transport {
 public:
  using LogFn = std::function<void(bciin_log_level, const std::string&)>;

  // Starts the I/O thread; the outcome of connecting arrives as state events.
  GrblDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log);
  ~GrblDevice() override;

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

  // The controller's snapshot (for tests and the benchmark).
  ControllerSnapshot Snapshot();

 private:
  void Run();
  Status Write(std::string_view bytes) override;  // Transport, called with mu_ held
  sdk::DeviceStatus StatusLocked() const;
  sdk::JobProgress ProgressLocked() const;
  std::vector<sdk::TelemetryValue> TelemetryLocked() const;
  void Log(bciin_log_level level, const std::string& message) const {
    if (log_) log_(level, config_.name + ": " + message);
  }

  sdk::DeviceConfig config_;
  serial::PortSettings settings_;
  std::chrono::milliseconds reconnect_interval_{500};
  std::chrono::milliseconds progress_interval_{250};
  sdk::DeviceEvents events_;
  LogFn log_;

  std::mutex mu_;
  std::unique_ptr<serial::SerialPort> port_;  // opened and closed by the thread, under mu_
  GrblController controller_;
  uint64_t next_job_id_ = 1;
  uint32_t copies_ = 1;
  uint32_t copy_ = 1;
  std::vector<JobLine> job_lines_;
  uint64_t reconnects_ = 0;
  bool connected_once_ = false;
  std::vector<std::pair<int, std::string>> console_out_;  // to emit, filled under mu_

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bciin::grbl
