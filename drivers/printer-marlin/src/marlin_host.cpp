#include "marlin_host.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace bciin::marlin {

namespace {

std::string Word(const std::string& payload) {
  size_t end = payload.find(' ');
  std::string w = payload.substr(0, end);
  for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return w;
}

bool IsLongCommand(const std::string& payload) {
  static const std::set<std::string> long_commands = {"G4",   "G28",  "G29",  "G30",  "G32",
                                                      "M400", "M226", "M600", "M109", "M190"};
  return long_commands.count(Word(payload)) > 0;
}

bool JobActive(bciin_job_state s) { return s == BCIIN_JOB_RUNNING || s == BCIIN_JOB_PAUSED; }

}  // namespace

MarlinHost::MarlinHost(HostOptions options, LineSink* sink, HostListener* listener)
    : options_(std::move(options)), sink_(sink), listener_(listener) {
  if (options_.history < 50) options_.history = 50;
  info_.protocol = "marlin";
}

// ---- State and reporting ----------------------------------------------------------------------

void MarlinHost::SetState(bciin_device_state s, const std::string& message) {
  if (s == state_ && message == state_message_) return;
  state_ = s;
  state_message_ = message;
  Log(BCIIN_LOG_INFO, fmt::format("state {}: {}", sdk::DeviceStateName(s), message));
  listener_->OnState(status());
}

sdk::DeviceStatus MarlinHost::status() const {
  sdk::DeviceStatus s;
  s.state = state_;
  s.job_id = job_ ? job_->id : 0;
  s.reconnects = reconnects_;
  s.message = state_message_;
  return s;
}

sdk::JobProgress MarlinHost::progress(Clock::time_point now) const {
  sdk::JobProgress p;
  if (!job_) return p;
  const Job& j = *job_;
  p.job_id = j.id;
  p.state = j.state;
  p.copies = j.copies;
  p.copy = j.copy;
  p.lines_total = j.lines.size();
  p.lines_done = j.acked;
  p.source_line = j.acked < j.source_lines.size() ? j.source_lines[j.acked]
                                                  : (j.source_lines.empty() ? 0 : j.source_lines.back());
  p.elapsed_ms = std::chrono::duration_cast<Ms>(now - j.started).count();
  if (j.estimate && JobActive(j.state)) {
    double left = j.estimate->remaining_seconds(j.acked) + (j.copies - j.copy) * j.estimate->total_seconds();
    p.remaining_ms = static_cast<int64_t>(left * 1000);
  } else {
    p.remaining_ms = JobActive(j.state) ? -1 : 0;
  }
  p.message = j.message;
  return p;
}

void MarlinHost::MaybeProgress(Clock::time_point now, bool force) {
  if (!job_) return;
  if (!force && now - last_progress_ < options_.progress_interval) return;
  last_progress_ = now;
  listener_->OnProgress(progress(now));
}

void MarlinHost::PublishTemperatures(const std::vector<Temperature>& temps) {
  std::vector<sdk::TelemetryValue> values;
  int64_t ts = sdk::TelemetryValue::NowUs();
  for (const Temperature& t : temps) {
    std::string name;
    if (t.id == "T") name = "hotend";
    else if (t.id == "B") name = "bed";
    else if (t.id == "C") name = "chamber";
    else if (t.id.size() > 1 && t.id[0] == 'T') name = "hotend" + t.id.substr(1);
    else name = "sensor." + t.id;
    values.push_back(sdk::TelemetryValue::Number(name + ".temperature", "Cel", t.actual, ts));
    if (t.target) values.push_back(sdk::TelemetryValue::Number(name + ".target", "Cel", *t.target, ts));
  }
  listener_->OnTelemetry(values);
}

// ---- Sending ----------------------------------------------------------------------------------

void MarlinHost::SendRaw(const std::string& line) {
  Status s = sink_->WriteLine(line);
  if (!s.ok()) Log(BCIIN_LOG_WARN, fmt::format("write failed: {}", s.ToString()));
}

void MarlinHost::SendNumbered(const std::string& payload, std::optional<size_t> job_index,
                              Clock::time_point now) {
  int64_t n = next_number_++;
  history_[n] = {payload, job_index};
  while (history_.size() > options_.history) history_.erase(history_.begin());
  in_flight_.push_back({n, job_index, IsLongCommand(payload)});
  if (in_flight_.size() == 1) deadline_ = now + CurrentTimeout();
  if (job_index) TrackModal(payload);
  SendRaw(FrameLine(n, payload));
}

void MarlinHost::SendHello(Clock::time_point now) {
  ++handshake_tries_;
  hello_failed_ = false;
  next_number_ = 1;
  history_.clear();
  in_flight_.clear();
  SendRaw(FrameLine(0, "M110 N0"));
  handshake_deadline_ = now + options_.handshake_timeout;
}

Clock::duration MarlinHost::CurrentTimeout() const {
  if (!in_flight_.empty() && in_flight_.front().long_command) return options_.long_command_timeout;
  return options_.communication_timeout;
}

void MarlinHost::Pump(Clock::time_point now) {
  if (awaiting_resend_ok_ || estopped_) return;
  // While identifying, only a resend of M115 may go out.
  if (link_ != Link::kReady && !(link_ == Link::kIdentify && resend_next_)) return;
  const size_t window = advanced_ok_seen_ ? static_cast<size_t>(std::max(1, options_.max_in_flight)) : 1;
  while (in_flight_.size() < window) {
    if (resend_next_) {
      int64_t n = *resend_next_;
      if (n > resend_last_) {
        resend_next_.reset();
        continue;
      }
      auto it = history_.find(n);
      if (it == history_.end()) {
        std::string why = fmt::format("Should resend line {} but no sufficient history is available, can't resend", n);
        Log(BCIIN_LOG_ERROR, why);
        FailJob(why);
        SetState(BCIIN_DEVICE_ERROR, why);
        resend_next_.reset();
        return;
      }
      resend_next_ = n + 1;
      in_flight_.push_back({n, it->second.second, IsLongCommand(it->second.first)});
      if (in_flight_.size() == 1) deadline_ = now + CurrentTimeout();
      SendRaw(FrameLine(n, it->second.first));
      continue;
    }
    if (!priority_.empty()) {
      std::string line = std::move(priority_.front());
      priority_.pop_front();
      SendNumbered(line, std::nullopt, now);
      continue;
    }
    if (job_ && job_->state == BCIIN_JOB_RUNNING && job_->next < job_->lines.size()) {
      size_t i = job_->next++;
      SendNumbered(job_->lines[i], i, now);
      continue;
    }
    break;
  }
}

void MarlinHost::TrackModal(const std::string& line) {
  if (!job_) return;
  std::string w = Word(line);
  if (w == "G90") job_->relative = job_->relative_e = false;
  else if (w == "G91") job_->relative = job_->relative_e = true;
  else if (w == "M82") job_->relative_e = false;
  else if (w == "M83") job_->relative_e = true;
  else if (w == "G0" || w == "G1" || w == "G2" || w == "G3") {
    size_t f = line.find(" F");
    if (f != std::string::npos) job_->feed = std::atof(line.c_str() + f + 2);
  }
}

// ---- Connection -------------------------------------------------------------------------------

void MarlinHost::OnConnected(Clock::time_point now) {
  if (connected_once_) ++reconnects_;
  connected_once_ = true;
  link_ = Link::kHandshake;
  wants_reconnect_ = false;
  in_flight_.clear();
  priority_.clear();
  awaiting_resend_ok_ = false;
  resend_next_.reset();
  caps_.clear();
  autoreport_ = false;
  advanced_ok_seen_ = false;
  awaiting_position_ = false;
  handshake_tries_ = 0;
  timeouts_ = 0;
  identified_ = false;
  last_rx_ = now;
  if (state_ != BCIIN_DEVICE_ERROR && state_ != BCIIN_DEVICE_STOPPED && state_ != BCIIN_DEVICE_OFFLINE) {
    SetState(BCIIN_DEVICE_CONNECTING, "handshake");
  }
  SendHello(now);
}

void MarlinHost::OnDisconnected(Clock::time_point now, const std::string& reason) {
  link_ = Link::kClosed;
  wants_reconnect_ = false;
  in_flight_.clear();
  priority_.clear();
  awaiting_resend_ok_ = false;
  resend_next_.reset();
  awaiting_position_ = false;
  if (job_ && JobActive(job_->state)) {
    // Lines sent but not acknowledged are sent again after the operator's resume; the firmware
    // did not confirm them, so the job's known position is the last acknowledged line.
    job_->next = job_->acked;
    job_->lost_connection = true;
    job_->state = BCIIN_JOB_PAUSED;
    job_->message = fmt::format("paused: connection lost after {} of {} lines ({})", job_->acked,
                                job_->lines.size(), reason);
    MaybeProgress(now, true);
  }
  if (state_ == BCIIN_DEVICE_ERROR || state_ == BCIIN_DEVICE_STOPPED || state_ == BCIIN_DEVICE_OFFLINE) return;
  SetState(BCIIN_DEVICE_DISCONNECTED, reason);
}

void MarlinHost::UpdateCapabilities() {
  uint64_t caps = BCIIN_DEVICE_CAP_JOBS | BCIIN_DEVICE_CAP_PAUSE | BCIIN_DEVICE_CAP_EMERGENCY_STOP |
                  BCIIN_DEVICE_CAP_TELEMETRY | BCIIN_DEVICE_CAP_CONSOLE | BCIIN_DEVICE_CAP_TEMPERATURE |
                  BCIIN_DEVICE_CAP_MOTION;
  auto on = [&](const char* cap) {
    auto it = caps_.find(cap);
    return it != caps_.end() && it->second;
  };
  if (on("ARCS")) caps |= BCIIN_DEVICE_CAP_ARCS;
  if (on("EMERGENCY_PARSER")) caps |= BCIIN_DEVICE_CAP_INSTANT_STOP;
  info_.capabilities = caps;
  info_.firmware_caps.clear();
  for (const auto& [name, value] : caps_) {
    if (!info_.firmware_caps.empty()) info_.firmware_caps += ",";
    info_.firmware_caps += fmt::format("{}:{}", name, value ? 1 : 0);
  }
}

void MarlinHost::BecomeReady(Clock::time_point now) {
  link_ = Link::kReady;
  timeouts_ = 0;
  UpdateCapabilities();
  autoreport_ = caps_.count("AUTOREPORT_TEMP") && caps_["AUTOREPORT_TEMP"];
  if (autoreport_) {
    priority_.push_back(fmt::format("M155 S{}", options_.temperature_interval_s));
  } else {
    next_temperature_poll_ = now;
  }
  if (job_ && job_->state == BCIIN_JOB_PAUSED && job_->lost_connection) {
    SetState(BCIIN_DEVICE_PAUSED,
             fmt::format("reconnected; the job is paused after line {} of {}: resume to continue",
                         job_->acked, job_->lines.size()));
  } else if (state_ != BCIIN_DEVICE_STOPPED && state_ != BCIIN_DEVICE_ERROR) {
    SetState(BCIIN_DEVICE_IDLE, "ready");
  } else {
    SetState(BCIIN_DEVICE_IDLE, "ready after reset");
  }
  Pump(now);
}

// ---- Receiving --------------------------------------------------------------------------------

void MarlinHost::OnLine(const std::string& line, Clock::time_point now) {
  last_rx_ = now;
  Reply r = ParseReply(line);
  if ((r.kind != ReplyKind::kOk || !r.temperatures.empty()) && r.kind != ReplyKind::kTemperature) {
    listener_->OnConsole(BCIIN_CONSOLE_RECEIVED, line);
  }
  if (!r.temperatures.empty()) PublishTemperatures(r.temperatures);
  if (link_ == Link::kClosed) return;

  if (r.kind == ReplyKind::kStart) {
    if (link_ == Link::kReady || link_ == Link::kIdentify) {
      Log(BCIIN_LOG_WARN, "printer sent 'start': external reset, the printer lost its state");
      if (job_ && JobActive(job_->state)) {
        FailJob("printer sent 'start' during the job: external reset, the printer lost its state");
      }
      estopped_ = false;
      link_ = Link::kHandshake;
      in_flight_.clear();
      priority_.clear();
      resend_next_.reset();
      awaiting_resend_ok_ = false;
      SetState(BCIIN_DEVICE_CONNECTING, "printer reset; handshake");
    }
    handshake_tries_ = 0;
    SendHello(now);
    return;
  }
  if (link_ == Link::kHandshake) {
    // An error before the ok means the hello arrived damaged: its line number did not take.
    if (r.kind == ReplyKind::kError || r.kind == ReplyKind::kResend) {
      hello_failed_ = true;
    } else if (r.kind == ReplyKind::kOk || r.kind == ReplyKind::kWait) {
      if (hello_failed_) {
        hello_failed_ = false;
        SendHello(now);
        return;
      }
      link_ = Link::kIdentify;
      identified_ = false;
      SendNumbered("M115", std::nullopt, now);
    }
    return;
  }

  switch (r.kind) {
    case ReplyKind::kOk:
      if (r.line) advanced_ok_seen_ = true;
      HandleOk(r, now);
      break;
    case ReplyKind::kResend:
      HandleResend(*r.line, now);
      break;
    case ReplyKind::kBusy:
      deadline_ = std::max(deadline_, now + options_.busy_timeout);
      break;
    case ReplyKind::kError:
      HandleError(r, now);
      break;
    case ReplyKind::kFirmwareInfo: {
      auto get = [&](const char* k) {
        auto it = r.fields.find(k);
        return it == r.fields.end() ? std::string() : it->second;
      };
      info_.firmware = get("FIRMWARE_NAME");
      info_.model = get("MACHINE_TYPE");
      info_.protocol = "marlin/" + (get("PROTOCOL_VERSION").empty() ? std::string("?") : get("PROTOCOL_VERSION"));
      identified_ = true;
      break;
    }
    case ReplyKind::kCap: {
      size_t colon = r.text.rfind(':');
      if (colon != std::string::npos) caps_[r.text.substr(0, colon)] = r.text.substr(colon + 1) == "1";
      if (link_ == Link::kReady) UpdateCapabilities();
      break;
    }
    case ReplyKind::kPosition:
      if (awaiting_position_) {
        awaiting_position_ = false;
        paused_position_.clear();
        for (const auto& [axis, value] : r.fields) paused_position_[axis] = std::atof(value.c_str());
      }
      break;
    default:
      break;
  }
}

void MarlinHost::HandleOk(const Reply& /*r*/, Clock::time_point now) {
  timeouts_ = 0;
  if (awaiting_resend_ok_) {
    awaiting_resend_ok_ = false;
    Pump(now);
    return;
  }
  // A stale ok (of a second hello sent after "start") must not be taken for M115's.
  if (link_ == Link::kIdentify && !identified_) return;
  if (!in_flight_.empty()) {
    InFlight f = in_flight_.front();
    in_flight_.pop_front();
    if (f.number > last_resend_request_) consecutive_resends_ = 0;
    if (f.job_index && job_ && JobActive(job_->state)) job_->acked = std::max(job_->acked, *f.job_index + 1);
  }
  deadline_ = now + CurrentTimeout();
  if (link_ == Link::kIdentify && in_flight_.empty()) {
    BecomeReady(now);
    return;
  }
  if (job_ && job_->state == BCIIN_JOB_RUNNING && job_->acked >= job_->lines.size()) {
    if (job_->copy < job_->copies) {
      ++job_->copy;
      job_->acked = job_->next = 0;
      MaybeProgress(now, true);
    } else {
      FinishJob(BCIIN_JOB_COMPLETED, fmt::format("completed {} cop{} of {} lines", job_->copies,
                                                 job_->copies == 1 ? "y" : "ies", job_->lines.size()));
    }
  }
  MaybeProgress(now, false);
  Pump(now);
}

void MarlinHost::HandleResend(int64_t n, Clock::time_point now) {
  ++resends_;
  if (n == last_resend_request_) {
    if (++consecutive_resends_ > options_.max_consecutive_resends) {
      std::string why = fmt::format("Printer keeps requesting line {} again and again, communication stuck", n);
      Log(BCIIN_LOG_ERROR, why);
      FailJob(why);
      SetState(BCIIN_DEVICE_ERROR, why);
      wants_reconnect_ = true;
      return;
    }
  } else {
    last_resend_request_ = n;
    consecutive_resends_ = 1;
  }
  awaiting_resend_ok_ = true;
  resend_ok_deadline_ = now + options_.resend_ok_timeout;
  if (n >= next_number_) return;  // nothing sent from there yet: only the ok follows
  if (!history_.count(n)) {
    std::string why = fmt::format("Should resend line {} but no sufficient history is available, can't resend", n);
    Log(BCIIN_LOG_ERROR, why);
    FailJob(why);
    SetState(BCIIN_DEVICE_ERROR, why);
    return;
  }
  // Everything from n on was dropped by the firmware.
  while (!in_flight_.empty() && in_flight_.back().number >= n) in_flight_.pop_back();
  resend_next_ = n;
  resend_last_ = next_number_ - 1;
  Log(BCIIN_LOG_DEBUG, fmt::format("resend from line {}", n));
}

void MarlinHost::HandleError(const Reply& r, Clock::time_point now) {
  switch (r.error_class) {
    case ErrorClass::kRecoverable:
      HandleOk(r, now);
      return;
    case ErrorClass::kResend:
      return;  // the "Resend:" line follows
    case ErrorClass::kIgnore:
      Log(BCIIN_LOG_INFO, "firmware: " + r.text);
      return;
    case ErrorClass::kFatal:
      if (estopped_) {
        Log(BCIIN_LOG_INFO, "firmware confirms the stop: " + r.text);
        return;
      }
      Log(BCIIN_LOG_ERROR, "fatal firmware error: " + r.text);
      FailJob("firmware error: " + r.text);
      if (options_.send_m112_on_error) SendRaw("M112");
      in_flight_.clear();
      priority_.clear();
      estopped_ = true;  // the firmware halted: nothing more is sent until a reset
      SetState(BCIIN_DEVICE_ERROR, r.text);
      return;
    default:
      Log(BCIIN_LOG_WARN, "firmware error: " + r.text);
      return;
  }
}

void MarlinHost::OnTick(Clock::time_point now) {
  if (link_ == Link::kClosed || wants_reconnect_) return;
  if (link_ == Link::kHandshake) {
    if (now >= handshake_deadline_) {
      if (handshake_tries_ >= options_.handshake_tries) {
        wants_reconnect_ = true;
        if (state_ == BCIIN_DEVICE_CONNECTING) {
          SetState(BCIIN_DEVICE_OFFLINE, fmt::format("no answer to M110 after {} tries", handshake_tries_));
        }
      } else {
        SendHello(now);
      }
    }
    return;
  }
  if (estopped_) return;
  if (awaiting_resend_ok_ && now >= resend_ok_deadline_) {
    awaiting_resend_ok_ = false;  // firmware that sends no ok after "Resend:"
    Pump(now);
  }
  if (!in_flight_.empty() ? now >= deadline_ : now - last_rx_ > options_.communication_timeout) {
    HandleTimeout(now);
    if (wants_reconnect_) return;
  }
  if (link_ == Link::kReady && !autoreport_ && now >= next_temperature_poll_) {
    next_temperature_poll_ = now + std::chrono::seconds(options_.temperature_interval_s);
    if (std::find(priority_.begin(), priority_.end(), "M105") == priority_.end()) priority_.push_back("M105");
    Pump(now);
  }
  MaybeProgress(now, false);
}

void MarlinHost::HandleTimeout(Clock::time_point now) {
  ++timeouts_;
  ++total_timeouts_;
  const bool printing = job_ && job_->state == BCIIN_JOB_RUNNING;
  const int max = printing ? options_.max_timeouts_printing : options_.max_timeouts_idle;
  if (timeouts_ > max) {
    std::string why = fmt::format(
        "No response from printer after {} consecutive communication timeouts, considering it dead.", max);
    Log(BCIIN_LOG_ERROR, why);
    wants_reconnect_ = true;
    SetState(BCIIN_DEVICE_OFFLINE, why);
    return;
  }
  if (link_ == Link::kIdentify) {
    Log(BCIIN_LOG_WARN, "no answer to M115; capabilities unknown");
    in_flight_.clear();
    BecomeReady(now);
    return;
  }
  Log(BCIIN_LOG_WARN, fmt::format("communication timeout {} of {}; sending M105", timeouts_, max));
  // An unnumbered M105: its ok releases a line whose ok was lost. If that line never arrived,
  // the next numbered line makes the firmware ask for it again.
  SendRaw("M105");
  deadline_ = now + options_.communication_timeout;
  last_rx_ = now;
}

// ---- Operator requests --------------------------------------------------------------------------

Status MarlinHost::CheckJob(const sdk::JobSpec& job, gcode::Program* out) const {
  gcode::ParseOptions o;
  auto arcs = caps_.find("ARCS");
  o.allow_arcs = link_ != Link::kReady || (arcs != caps_.end() && arcs->second);
  gcode::Program p = gcode::ParseProgram(job.program, o);
  if (!p.ok()) {
    return Status::InvalidArgument(fmt::format("job '{}' refused, nothing was sent: {}", job.name, p.Summary()));
  }
  if (p.commands.empty()) return Status::InvalidArgument(fmt::format("job '{}' has no commands", job.name));
  if (out) *out = std::move(p);
  return Status::Ok();
}

Status MarlinHost::Submit(const sdk::JobSpec& spec, Clock::time_point now, uint64_t* job_id) {
  if (job_ && JobActive(job_->state)) return Status::Busy(fmt::format("job {} is {}", job_->id, sdk::JobStateName(job_->state)));
  gcode::Program program;
  BCIIN_RETURN_IF_ERROR(CheckJob(spec, &program));
  if (link_ != Link::kReady || state_ != BCIIN_DEVICE_IDLE) {
    return Status::Busy(fmt::format("the printer is {} ({}), not idle", sdk::DeviceStateName(state_), state_message_));
  }
  auto job = std::make_unique<Job>();
  job->id = next_job_id_++;
  job->name = spec.name;
  job->copies = std::max<uint32_t>(1, spec.copies);
  job->lines.reserve(program.commands.size());
  for (const auto& c : program.commands) {
    job->lines.push_back(c.text);
    job->source_lines.push_back(c.source_line);
  }
  job->estimate = std::make_unique<gcode::TimeEstimate>(program.commands);
  job->started = now;
  job->message = "running";
  job_ = std::move(job);
  *job_id = job_->id;
  SetState(BCIIN_DEVICE_RUNNING, fmt::format("job {} '{}': {} lines x {}", job_->id, job_->name,
                                             job_->lines.size(), job_->copies));
  MaybeProgress(now, true);
  Pump(now);
  return Status::Ok();
}

Status MarlinHost::Pause(Clock::time_point now) {
  if (!job_ || job_->state != BCIIN_JOB_RUNNING) return Status::Rejected("no running job to pause");
  job_->state = BCIIN_JOB_PAUSED;
  job_->message = fmt::format("paused by the operator after line {}", job_->acked);
  priority_.push_back("M400");
  priority_.push_back("M114");
  awaiting_position_ = true;
  if (options_.pause_lift_mm > 0) {
    priority_.push_back("G91");
    priority_.push_back(fmt::format("G1 Z{:.3f} F{:.0f}", options_.pause_lift_mm, options_.travel_feed));
    priority_.push_back("G90");
    job_->parked = true;
  }
  SetState(BCIIN_DEVICE_PAUSED, job_->message);
  MaybeProgress(now, true);
  Pump(now);
  return Status::Ok();
}

Status MarlinHost::Resume(Clock::time_point now) {
  if (!job_ || job_->state != BCIIN_JOB_PAUSED) return Status::Rejected("no paused job to resume");
  if (link_ != Link::kReady) return Status::Busy("the printer is not connected yet; resume once it is ready");
  if (job_->parked) {
    auto pos = [&](const char* axis) {
      auto it = paused_position_.find(axis);
      return it == paused_position_.end() ? 0.0 : it->second;
    };
    priority_.push_back("G90");
    priority_.push_back(fmt::format("G1 X{:.3f} Y{:.3f} F{:.0f}", pos("X"), pos("Y"), options_.travel_feed));
    priority_.push_back(fmt::format("G1 Z{:.3f} F{:.0f}", pos("Z"), options_.travel_feed));
    priority_.push_back(fmt::format("G92 E{:.5f}", pos("E")));
    if (job_->relative) priority_.push_back("G91");
    if (job_->relative_e) priority_.push_back("M83");
    if (job_->feed > 0) priority_.push_back(fmt::format("G1 F{:.0f}", job_->feed));
    job_->parked = false;
  }
  job_->lost_connection = false;
  job_->state = BCIIN_JOB_RUNNING;
  job_->message = fmt::format("resumed at line {}", job_->acked + 1);
  SetState(BCIIN_DEVICE_RUNNING, job_->message);
  MaybeProgress(now, true);
  Pump(now);
  return Status::Ok();
}

Status MarlinHost::Cancel(Clock::time_point now) {
  if (!job_ || !JobActive(job_->state)) return Status::Rejected("no job to cancel");
  FinishJob(BCIIN_JOB_CANCELLED, fmt::format("cancelled by the operator after line {}", job_->acked));
  if (link_ == Link::kReady) {
    if (!in_flight_.empty() && in_flight_.front().long_command) SendRaw("M108");  // break a heat wait
    for (const auto& line : options_.cancel_script) priority_.push_back(line);
    Pump(now);
  }
  return Status::Ok();
}

Status MarlinHost::EmergencyStop(Clock::time_point now) {
  // Unnumbered first: with EMERGENCY_PARSER it acts as the bytes arrive. Then numbered, for
  // firmware that only reads it from the queue (OctoPrint does the same), then heaters off.
  SendRaw("M112");
  SendRaw(FrameLine(next_number_++, "M112"));
  SendRaw("M104 S0");
  SendRaw("M140 S0");
  estopped_ = true;
  in_flight_.clear();
  priority_.clear();
  resend_next_.reset();
  if (job_ && JobActive(job_->state)) FinishJob(BCIIN_JOB_FAILED, "emergency stop");
  SetState(BCIIN_DEVICE_STOPPED, "emergency stop: reset the device before the next job");
  MaybeProgress(now, true);
  return Status::Ok();
}

Status MarlinHost::Reset(Clock::time_point /*now*/) {
  if (job_ && JobActive(job_->state)) return Status::Busy("cancel the job before a reset");
  estopped_ = false;
  wants_reconnect_ = true;
  SetState(BCIIN_DEVICE_DISCONNECTED, "reset requested: reconnecting");
  return Status::Ok();
}

Status MarlinHost::ConsoleSend(const std::string& line, Clock::time_point now) {
  for (char c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) {
      return Status::InvalidArgument("console lines are printable ASCII");
    }
  }
  if (line.empty()) return Status::InvalidArgument("empty console line");
  listener_->OnConsole(BCIIN_CONSOLE_SENT, line);
  if (Word(line) == "M112") return EmergencyStop(now);
  if (link_ != Link::kReady || estopped_) return Status::Busy("the printer is not ready");
  priority_.push_back(line);
  Pump(now);
  return Status::Ok();
}

void MarlinHost::FinishJob(bciin_job_state s, const std::string& message) {
  if (!job_) return;
  job_->state = s;
  job_->message = message;
  listener_->OnProgress(progress(Clock::now()));
  if (state_ == BCIIN_DEVICE_RUNNING || state_ == BCIIN_DEVICE_PAUSED) SetState(BCIIN_DEVICE_IDLE, message);
}

void MarlinHost::FailJob(const std::string& why) {
  if (job_ && JobActive(job_->state)) FinishJob(BCIIN_JOB_FAILED, why);
}

}  // namespace bciin::marlin
