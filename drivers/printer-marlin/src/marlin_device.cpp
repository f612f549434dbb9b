#include "marlin_device.hpp"

#include <fmt/format.h>

namespace bciin::marlin {

HostOptions HostOptionsFromConfig(const sdk::DeviceConfig& c) {
  HostOptions o;
  auto ms = [&](const char* key, Ms fallback) {
    return Ms(static_cast<int64_t>(c.GetNumber(key, static_cast<double>(fallback.count()))));
  };
  o.handshake_timeout = ms("handshake_timeout_ms", o.handshake_timeout);
  o.handshake_tries = static_cast<int>(c.GetNumber("handshake_tries", o.handshake_tries));
  o.communication_timeout = ms("timeout_ms", o.communication_timeout);
  o.long_command_timeout = ms("long_command_timeout_ms", o.long_command_timeout);
  o.busy_timeout = ms("busy_timeout_ms", o.busy_timeout);
  o.max_timeouts_idle = static_cast<int>(c.GetNumber("max_timeouts_idle", o.max_timeouts_idle));
  o.max_timeouts_printing = static_cast<int>(c.GetNumber("max_timeouts_printing", o.max_timeouts_printing));
  o.max_consecutive_resends = static_cast<int>(c.GetNumber("max_consecutive_resends", o.max_consecutive_resends));
  o.max_in_flight = static_cast<int>(c.GetNumber("max_in_flight", o.max_in_flight));
  o.temperature_interval_s = static_cast<int>(c.GetNumber("temperature_interval_s", o.temperature_interval_s));
  o.pause_lift_mm = c.GetNumber("pause_lift_mm", o.pause_lift_mm);
  o.progress_interval = ms("progress_interval_ms", o.progress_interval);
  if (o.handshake_tries < 1 || o.max_in_flight < 1 || o.temperature_interval_s < 1 ||
      o.communication_timeout.count() < 10) {
    throw std::invalid_argument("device " + c.name + ": handshake_tries, max_in_flight, "
                                "temperature_interval_s must be >= 1 and timeout_ms >= 10");
  }
  return o;
}

MarlinDevice::MarlinDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log)
    : config_(config),
      reconnect_interval_(static_cast<int64_t>(config.GetNumber("reconnect_interval_ms", 1000))),
      events_(events),
      log_(std::move(log)),
      host_(HostOptionsFromConfig(config), this, this) {
  if (config_.port.empty()) throw std::invalid_argument("device " + config_.name + ": 'port' is not set");
  settings_.baud = config_.baud ? config_.baud : 115200;
  settings_.exclusive = config_.GetBool("exclusive", true);
  thread_ = std::thread([this] { Run(); });
}

MarlinDevice::~MarlinDevice() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  port_.reset();
}

Status MarlinDevice::WriteLine(const std::string& line) {
  if (!port_) return Status::IoError("not connected");
  return port_->Write(line + "\n", Ms(1000));
}

void MarlinDevice::Run() {
  auto next_open = Clock::now();
  std::string last_open_error;
  std::string line;
  while (!stop_.load()) {
    auto now = Clock::now();
    serial::SerialPort* port = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      port = port_.get();
    }
    if (!port) {
      if (now < next_open) {
        std::this_thread::sleep_for(std::min<Clock::duration>(next_open - now, Ms(20)));
        continue;
      }
      next_open = now + reconnect_interval_;
      std::unique_ptr<serial::SerialPort> opened;
      Status s = serial::SerialPort::Open(config_.port, settings_, &opened);
      if (!s.ok()) {
        if (s.message() != last_open_error) OnLog(BCIIN_LOG_WARN, "cannot open port: " + s.ToString());
        last_open_error = s.message();
        continue;
      }
      last_open_error.clear();
      std::lock_guard<std::mutex> lock(mu_);
      port_ = std::move(opened);
      OnLog(BCIIN_LOG_INFO, "port " + config_.port + " open");
      host_.OnConnected(Clock::now());
      continue;
    }
    // Only this thread reads or closes the port; writers hold mu_.
    Status s = port->ReadLine(&line, Ms(10));
    std::lock_guard<std::mutex> lock(mu_);
    now = Clock::now();
    if (s.ok()) {
      host_.OnLine(line, now);
      // Drain what is already buffered without waiting.
      while (port->reader().NextLine(&line)) host_.OnLine(line, now);
    } else if (!s.is(BCIIN_ERR_TIMEOUT)) {
      port_.reset();
      host_.OnDisconnected(now, "port lost: " + s.message());
      next_open = now + reconnect_interval_;
      continue;
    }
    host_.OnTick(now);
    if (host_.wants_reconnect()) {
      port_.reset();
      host_.OnDisconnected(now, "reconnecting");
      next_open = now + reconnect_interval_;
    }
  }
}

sdk::DeviceInfo MarlinDevice::Describe() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.info();
}
sdk::DeviceStatus MarlinDevice::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.status();
}
Status MarlinDevice::CheckJob(const sdk::JobSpec& job) {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.CheckJob(job);
}
Status MarlinDevice::SubmitJob(const sdk::JobSpec& job, uint64_t* job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.Submit(job, Clock::now(), job_id);
}
Status MarlinDevice::Pause() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.Pause(Clock::now());
}
Status MarlinDevice::Resume() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.Resume(Clock::now());
}
Status MarlinDevice::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.Cancel(Clock::now());
}
Status MarlinDevice::EmergencyStop() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.EmergencyStop(Clock::now());
}
Status MarlinDevice::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.Reset(Clock::now());
}
sdk::JobProgress MarlinDevice::GetProgress() {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.progress(Clock::now());
}
Status MarlinDevice::ConsoleSend(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  return host_.ConsoleSend(line, Clock::now());
}

}  // namespace bciin::marlin
