#include "grbl_device.h"

#include "grbl_codes.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bciin::grbl {
namespace {

using std::chrono::milliseconds;

bciin_job_state JobState(JobPhase phase) {
  switch (phase) {
    case JobPhase::kNone: return BCIIN_JOB_NONE;
    case JobPhase::kRunning: return BCIIN_JOB_RUNNING;
    case JobPhase::kPaused: return BCIIN_JOB_PAUSED;
    case JobPhase::kStopping: return BCIIN_JOB_RUNNING;
    case JobPhase::kCompleted: return BCIIN_JOB_COMPLETED;
    case JobPhase::kCancelled: return BCIIN_JOB_CANCELLED;
    case JobPhase::kFailed: return BCIIN_JOB_FAILED;
  }
  return BCIIN_JOB_NONE;
}

}  // namespace

ControllerOptions ControllerOptionsFromConfig(const sdk::DeviceConfig& config) {
  ControllerOptions o;
  auto ms = [&](const char* key, milliseconds fallback, long min) {
    double v = config.GetNumber(key, static_cast<double>(fallback.count()));
    if (v < static_cast<double>(min))
      throw std::invalid_argument(fmt::format("option {} of device {} must be at least {}", key, config.name, min));
    return milliseconds(static_cast<long>(v));
  };
  o.poll_interval = ms("poll_interval_ms", o.poll_interval, 200);  // GRBL: poll at most 5 Hz
  o.status_timeout = ms("status_timeout_ms", o.status_timeout, 100);
  o.handshake_timeout = ms("handshake_timeout_ms", o.handshake_timeout, 100);
  o.hold_timeout = ms("hold_timeout_ms", o.hold_timeout, 100);
  o.missed_polls_offline = static_cast<int>(config.GetNumber("missed_polls_offline", o.missed_polls_offline));
  o.rx_buffer = static_cast<size_t>(config.GetNumber("rx_buffer", static_cast<double>(o.rx_buffer)));
  o.rx_reserve = static_cast<size_t>(config.GetNumber("rx_reserve", static_cast<double>(o.rx_reserve)));
  o.unlock_after_cancel = config.GetBool("unlock_after_cancel", true);
  if (o.missed_polls_offline < 1) throw std::invalid_argument("missed_polls_offline must be at least 1");
  if (o.rx_buffer < 90 || o.rx_reserve >= o.rx_buffer - 81)
    throw std::invalid_argument(fmt::format(
        "device {}: rx_buffer - rx_reserve must leave room for an 80-character line", config.name));
  return o;
}

GrblDevice::GrblDevice(const sdk::DeviceConfig& config, sdk::DeviceEvents events, LogFn log)
    : config_(config),
      events_(events),
      log_(std::move(log)),
      controller_(ControllerOptionsFromConfig(config), this) {
  if (config_.port.empty()) throw std::invalid_argument(fmt::format("device {}: no port", config_.name));
  settings_.baud = config_.baud ? config_.baud : 115200;
  settings_.exclusive = config_.GetBool("exclusive", true);
  reconnect_interval_ = milliseconds(static_cast<long>(config_.GetNumber("reconnect_interval_ms", 500)));
  progress_interval_ = milliseconds(static_cast<long>(config_.GetNumber("progress_interval_ms", 250)));
  controller_.set_console([this](int direction, const std::string& line) {
    console_out_.emplace_back(direction, line);
  });
  thread_ = std::thread([this] { Run(); });
}

GrblDevice::~GrblDevice() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

Status GrblDevice::Write(std::string_view bytes) {
  if (!port_) return Status::IoError("not connected");
  return port_->Write(bytes, milliseconds(1000));
}

void GrblDevice::Run() {
  uint64_t seen_version = ~0ull;
  uint64_t seen_status = 0;
  // What was last sent, so that only changes go out (and progress at most every interval, or
  // at once when the job's state changes).
  sdk::DeviceStatus sent_status;
  bool status_sent = false;
  bciin_job_state sent_job_state = BCIIN_JOB_NONE;
  uint64_t sent_job_id = 0;
  auto sent_progress_at = Clock::time_point();
  std::string line;
  while (!stop_) {
    if (!port_) {
      std::unique_ptr<serial::SerialPort> port;
      Status s = serial::SerialPort::Open(config_.port, settings_, &port);
      if (!s.ok()) {
        auto until = Clock::now() + reconnect_interval_;
        while (!stop_ && Clock::now() < until) std::this_thread::sleep_for(milliseconds(10));
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      port_ = std::move(port);
      if (connected_once_) ++reconnects_;
      connected_once_ = true;
      Log(BCIIN_LOG_INFO, fmt::format("opened {}", config_.port));
      controller_.OnConnected(Clock::now());
    }
    Status s = port_->reader().ReadLine(&line, milliseconds(10));
    std::vector<sdk::TelemetryValue> telemetry;
    std::vector<std::pair<int, std::string>> console;
    bool changed = false;
    sdk::DeviceStatus status;
    sdk::JobProgress progress;
    progress.job_id = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto now = Clock::now();
      if (s.ok()) {
        controller_.OnLine(line, now);
        while (port_->reader().NextLine(&line)) controller_.OnLine(line, now);
      } else if (!s.is(BCIIN_ERR_TIMEOUT)) {
        Log(BCIIN_LOG_WARN, fmt::format("{} lost: {}", config_.port, s.ToString()));
        controller_.OnDisconnected(s.message(), now);
        port_.reset();
      }
      if (port_) {
        controller_.OnTick(now);
        if (controller_.needs_reconnect()) {
          Log(BCIIN_LOG_WARN, fmt::format("reconnecting: {}", controller_.snapshot().message));
          controller_.OnDisconnected(controller_.snapshot().message, now);
          port_.reset();
        }
      }
      // Copies: start the next one when a copy completes.
      const ControllerSnapshot& snap = controller_.snapshot();
      if (snap.job == JobPhase::kCompleted && copy_ < copies_) {
        ++copy_;
        Status next = controller_.StartJob(job_lines_, snap.job_id, now);
        if (!next.ok()) Log(BCIIN_LOG_ERROR, fmt::format("copy {}: {}", copy_, next.ToString()));
      }
      if (controller_.version() != seen_version) {
        seen_version = controller_.version();
        changed = true;
        status = StatusLocked();
        progress = ProgressLocked();
      }
      if (controller_.status_count() != seen_status) {
        seen_status = controller_.status_count();
        telemetry = TelemetryLocked();
      }
      console.swap(console_out_);
    }
    if (changed) {
      if (!status_sent || status.state != sent_status.state || status.message != sent_status.message ||
          status.job_id != sent_status.job_id || status.reconnects != sent_status.reconnects) {
        sent_status = status;
        status_sent = true;
        events_.State(status);
      }
      auto now = Clock::now();
      if (progress.job_id != 0 &&
          (progress.state != sent_job_state || progress.job_id != sent_job_id ||
           now - sent_progress_at >= progress_interval_)) {
        sent_job_state = progress.state;
        sent_job_id = progress.job_id;
        sent_progress_at = now;
        events_.Progress(progress);
      }
    }
    if (!telemetry.empty()) events_.Telemetry(telemetry);
    for (const auto& [direction, text] : console) events_.Console(direction, text);
  }
  std::lock_guard<std::mutex> lock(mu_);
  port_.reset();
}

sdk::DeviceInfo GrblDevice::Describe() {
  std::lock_guard<std::mutex> lock(mu_);
  sdk::DeviceInfo info;
  info.model = "CNC machine (GRBL)";
  info.firmware = controller_.snapshot().firmware;
  info.protocol = "grbl/1.1";
  info.capabilities = BCIIN_DEVICE_CAP_JOBS | BCIIN_DEVICE_CAP_PAUSE | BCIIN_DEVICE_CAP_EMERGENCY_STOP |
                      BCIIN_DEVICE_CAP_TELEMETRY | BCIIN_DEVICE_CAP_CONSOLE | BCIIN_DEVICE_CAP_MOTION |
                      BCIIN_DEVICE_CAP_ARCS | BCIIN_DEVICE_CAP_INSTANT_STOP;
  std::string caps;
  for (const auto& [n, v] : controller_.snapshot().settings) caps += fmt::format("{}${}={}", caps.empty() ? "" : ",", n, v);
  info.firmware_caps = caps;
  return info;
}

sdk::DeviceStatus GrblDevice::StatusLocked() const {
  const ControllerSnapshot& s = controller_.snapshot();
  sdk::DeviceStatus out;
  out.job_id = s.job_id;
  out.reconnects = reconnects_;
  out.message = s.message;
  switch (s.link) {
    case Link::kDisconnected: out.state = BCIIN_DEVICE_DISCONNECTED; return out;
    case Link::kHandshake: out.state = BCIIN_DEVICE_CONNECTING; return out;
    case Link::kOffline: out.state = BCIIN_DEVICE_OFFLINE; return out;
    case Link::kReady: break;
  }
  if (s.estopped) {
    out.state = BCIIN_DEVICE_STOPPED;
  } else if (s.job == JobPhase::kRunning || s.job == JobPhase::kStopping) {
    out.state = BCIIN_DEVICE_RUNNING;
  } else if (s.job == JobPhase::kPaused) {
    out.state = BCIIN_DEVICE_PAUSED;
  } else if (s.status.state == MachineState::kAlarm || s.alarm_locked || s.critical_alarm) {
    out.state = BCIIN_DEVICE_ERROR;
    if (s.alarm != 0) out.message = fmt::format("{}{}", DescribeAlarm(s.alarm), s.critical_alarm ? "; reset to continue" : "");
  } else {
    out.state = BCIIN_DEVICE_IDLE;
  }
  return out;
}

sdk::JobProgress GrblDevice::ProgressLocked() const {
  const ControllerSnapshot& s = controller_.snapshot();
  sdk::JobProgress p;
  p.job_id = s.job_id;
  p.state = JobState(s.job);
  p.copies = copies_;
  p.copy = copy_;
  p.lines_total = s.lines_total;
  p.lines_done = s.lines_done;
  p.source_line = s.source_line;
  p.message = s.job_message;
  if (s.job_id != 0) {
    auto end = s.job_ended == Clock::time_point{} ? Clock::now() : s.job_ended;
    p.elapsed_ms = std::chrono::duration_cast<milliseconds>(end - s.job_started).count();
    if (s.job == JobPhase::kRunning && s.lines_done > 0) {
      double per_line = static_cast<double>(p.elapsed_ms) / static_cast<double>(s.lines_done);
      double left = static_cast<double>(s.lines_total - s.lines_done) +
                    static_cast<double>(copies_ - copy_) * static_cast<double>(s.lines_total);
      p.remaining_ms = static_cast<int64_t>(per_line * left);
    } else if (s.job == JobPhase::kCompleted && copy_ == copies_) {
      p.remaining_ms = 0;
    }
  }
  return p;
}

std::vector<sdk::TelemetryValue> GrblDevice::TelemetryLocked() const {
  const ControllerSnapshot& s = controller_.snapshot();
  const StatusReport& r = s.status;
  auto ts = sdk::TelemetryValue::NowUs();
  std::vector<sdk::TelemetryValue> out;
  // Built through Number() (then retyped): assigning short literals to the fields trips a
  // false -Wrestrict in g++ 12 at -O3.
  sdk::TelemetryValue state = sdk::TelemetryValue::Number("state", "1", 0, ts);
  state.type = BCIIN_TELEMETRY_TEXT;
  state.text = r.substate >= 0 ? fmt::format("{}:{}", MachineStateName(r.state), r.substate)
                               : std::string(MachineStateName(r.state));
  state.timestamp_us = ts;
  out.push_back(state);
  const char* axes[] = {"x", "y", "z", "a", "b", "c"};
  auto position = [&](const char* prefix, const std::optional<Position>& p) {
    if (!p) return;
    for (int i = 0; i < p->count; ++i)
      out.push_back(sdk::TelemetryValue::Number(fmt::format("{}.{}", prefix, axes[i]), "mm", p->axis[i], ts));
  };
  position("mpos", r.mpos);
  position("wpos", r.wpos);
  if (r.feed) out.push_back(sdk::TelemetryValue::Number("feed", "mm/min", *r.feed, ts));
  if (r.spindle) out.push_back(sdk::TelemetryValue::Number("spindle", "/min", *r.spindle, ts));
  if (r.overrides) {
    out.push_back(sdk::TelemetryValue::Number("override.feed", "%", r.overrides->feed, ts));
    out.push_back(sdk::TelemetryValue::Number("override.rapid", "%", r.overrides->rapid, ts));
    out.push_back(sdk::TelemetryValue::Number("override.spindle", "%", r.overrides->spindle, ts));
  }
  if (r.rx_bytes_free) out.push_back(sdk::TelemetryValue::Number("rx.free", "By", *r.rx_bytes_free, ts));
  if (r.planner_blocks_free) out.push_back(sdk::TelemetryValue::Number("planner.free", "1", *r.planner_blocks_free, ts));
  return out;
}

sdk::DeviceStatus GrblDevice::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  return StatusLocked();
}

sdk::JobProgress GrblDevice::GetProgress() {
  std::lock_guard<std::mutex> lock(mu_);
  return ProgressLocked();
}

ControllerSnapshot GrblDevice::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return controller_.snapshot();
}

Status GrblDevice::CheckJob(const sdk::JobSpec& job) {
  std::vector<JobLine> lines;
  return PrepareJob(job.program, &lines);
}

Status GrblDevice::SubmitJob(const sdk::JobSpec& job, uint64_t* job_id) {
  std::vector<JobLine> lines;
  BCIIN_RETURN_IF_ERROR(PrepareJob(job.program, &lines));
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_job_id_;
  BCIIN_RETURN_IF_ERROR(controller_.StartJob(lines, id, Clock::now()));
  ++next_job_id_;
  job_lines_ = std::move(lines);
  copies_ = std::max<uint32_t>(1, job.copies);
  copy_ = 1;
  if (job_id) *job_id = id;
  Log(BCIIN_LOG_INFO, fmt::format("job {} '{}': {} lines x {}", id, job.name, job_lines_.size(), copies_));
  return Status::Ok();
}

Status GrblDevice::Pause() {
  std::lock_guard<std::mutex> lock(mu_);
  return controller_.Pause(Clock::now());
}

Status GrblDevice::Resume() {
  std::lock_guard<std::mutex> lock(mu_);
  return controller_.Resume(Clock::now());
}

Status GrblDevice::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  copies_ = copy_;
  return controller_.Cancel(Clock::now());
}

Status GrblDevice::EmergencyStop() {
  std::lock_guard<std::mutex> lock(mu_);
  copies_ = copy_;
  return controller_.EmergencyStop(Clock::now());
}

Status GrblDevice::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  return controller_.Reset(Clock::now());
}

Status GrblDevice::ConsoleSend(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  return controller_.Command(line, Clock::now());
}

}  // namespace bciin::grbl
