#include "grbl_controller.h"

#include "grbl_codes.h"
#include "grbl_reply.h"

#include <fmt/format.h>

namespace bciin::grbl {
namespace {

constexpr int kReceived = 0;  // BCIIN_CONSOLE_RECEIVED
constexpr int kSent = 1;      // BCIIN_CONSOLE_SENT
constexpr char kSoftReset = 0x18;

bool IsUnlockHint(std::string_view msg) { return msg.find("to unlock") != std::string_view::npos; }

}  // namespace

std::string_view LinkName(Link link) {
  switch (link) {
    case Link::kDisconnected: return "disconnected";
    case Link::kHandshake: return "handshake";
    case Link::kReady: return "ready";
    case Link::kOffline: return "offline";
  }
  return "?";
}

std::string_view JobPhaseName(JobPhase phase) {
  switch (phase) {
    case JobPhase::kNone: return "none";
    case JobPhase::kRunning: return "running";
    case JobPhase::kPaused: return "paused";
    case JobPhase::kStopping: return "stopping";
    case JobPhase::kCompleted: return "completed";
    case JobPhase::kCancelled: return "cancelled";
    case JobPhase::kFailed: return "failed";
  }
  return "?";
}

GrblController::GrblController(ControllerOptions options, Transport* transport)
    : options_(options), transport_(transport), streamer_(options.rx_buffer, options.rx_reserve) {}

Status GrblController::Write(std::string_view bytes) {
  Status s = transport_->Write(bytes);
  if (!s.ok()) {
    needs_reconnect_ = true;
    snap_.message = "write failed: " + s.ToString();
    Changed();
  }
  return s;
}

// ---- Connection ------------------------------------------------------------------------------

void GrblController::OnConnected(Clock::time_point now) {
  snap_.link = Link::kHandshake;
  snap_.message = "waiting for the GRBL banner";
  needs_reconnect_ = false;
  streamer_.Reset();
  tracker_.Reset();
  commands_.clear();
  command_in_flight_ = false;
  poll_outstanding_ = false;
  missed_polls_ = 0;
  handshake_tries_ = 0;
  handshake_deadline_ = now + options_.handshake_timeout;
  stop_ = Stop::kNone;
  awaiting_reset_banner_ = false;
  // A board that does not reset on open answers a status request; one that does prints its
  // banner. Either ends the handshake.
  poll_sent_ = now;
  poll_outstanding_ = Write("?").ok();
  Changed();
}

void GrblController::OnDisconnected(std::string_view reason, Clock::time_point now) {
  snap_.link = Link::kDisconnected;
  snap_.message = fmt::format("connection lost: {}", reason);
  if (JobActive()) {
    FinishJob(JobPhase::kFailed,
              fmt::format("connection lost at line {} ({}); GRBL resets on reconnect, so the job cannot "
                          "resume",
                          snap_.source_line, reason),
              now);
  }
  streamer_.Reset();
  commands_.clear();
  command_in_flight_ = false;
  poll_outstanding_ = false;
  stop_ = Stop::kNone;
  Changed();
}

// ---- Received lines --------------------------------------------------------------------------

void GrblController::OnLine(std::string_view line, Clock::time_point now) {
  Reply r = ParseReply(line);
  missed_polls_ = 0;
  if (snap_.link == Link::kOffline) {
    snap_.link = Link::kReady;
    snap_.message = "answering again";
    Changed();
  }
  bool job_answer = r.IsLineAnswer() && !streamer_.idle();
  if (console_ && r.kind != Reply::Kind::kStatus && r.kind != Reply::Kind::kEmpty && !job_answer)
    console_(kReceived, std::string(line));
  switch (r.kind) {
    case Reply::Kind::kOk:
      OnAnswer(true, 0, now);
      break;
    case Reply::Kind::kError:
      OnAnswer(false, r.code, now);
      break;
    case Reply::Kind::kAlarm:
      OnAlarm(r.code, now);
      break;
    case Reply::Kind::kStatus:
      OnStatus(std::move(r.status), now);
      break;
    case Reply::Kind::kBanner:
      OnBanner(r.text, now);
      break;
    case Reply::Kind::kMessage:
      if (IsUnlockHint(r.text)) {
        snap_.alarm_locked = true;
        snap_.status.state = MachineState::kAlarm;
        if (unlock_after_banner_) {
          unlock_after_banner_ = false;
          commands_.push_front("$X");
        }
      } else if (r.text == "Caution: Unlocked") {
        snap_.alarm_locked = false;
        snap_.alarm = 0;
      } else if (r.text == "Reset to continue") {
        snap_.critical_alarm = true;
      }
      Changed();
      break;
    case Reply::Kind::kSetting:
      snap_.settings[r.code] = r.text;
      break;
    default:
      break;
  }
  Pump(now);
}

void GrblController::OnAnswer(bool ok, int code, Clock::time_point now) {
  if (auto line = streamer_.OnAnswer()) {
    last_answer_ = now;
    size_t index = line->tag;
    if (ok) {
      ++snap_.lines_done;
      snap_.source_line = snap_.lines_done < job_lines_.size() ? job_lines_[snap_.lines_done].source_line
                                                                : job_lines_.back().source_line;
      Changed();
      return;
    }
    if (snap_.job == JobPhase::kRunning || snap_.job == JobPhase::kPaused) {
      const JobLine& l = job_lines_[index];
      BeginStop(JobPhase::kFailed,
                fmt::format("line {} '{}' refused: {}", l.source_line, l.text, DescribeError(code)), now);
    }
    return;
  }
  if (command_in_flight_) {
    command_in_flight_ = false;
    if (!ok) snap_.message = fmt::format("'{}': {}", command_, DescribeError(code));
    if ((command_ == "$X" || command_ == "$H") && ok) {  // both end an alarm lock
      snap_.alarm_locked = false;
      snap_.alarm = 0;
    }
    if (stop_ == Stop::kUnlock && command_ == "$X") {
      stop_ = Stop::kNone;
      FinishJob(stop_final_, stop_message_, now);
    }
    Changed();
  }
}

void GrblController::OnBanner(std::string_view version, Clock::time_point now) {
  snap_.firmware = fmt::format("Grbl {}", version);
  snap_.critical_alarm = false;
  snap_.alarm_locked = false;
  streamer_.Reset();
  poll_outstanding_ = false;
  command_in_flight_ = false;
  if (snap_.link != Link::kReady) {
    snap_.link = Link::kReady;
    snap_.message = "connected";
  }
  if (stop_ == Stop::kWaitBanner) {
    if (options_.unlock_after_cancel) {
      // An alarm lock, if any, is announced right after the banner; `$X` is harmless if not.
      stop_ = Stop::kUnlock;
      commands_.push_front("$X");
    } else {
      stop_ = Stop::kNone;
      FinishJob(stop_final_, stop_message_, now);
    }
  } else if (awaiting_reset_banner_) {
    awaiting_reset_banner_ = false;
  } else if (JobActive()) {
    FinishJob(JobPhase::kFailed,
              fmt::format("the controller reset itself at line {} (banner received): machine state lost",
                          snap_.source_line),
              now);
  }
  Changed();
}

void GrblController::OnStatus(StatusReport report, Clock::time_point now) {
  ++status_count_;
  bool answers_poll = poll_outstanding_;
  Clock::time_point asked = poll_sent_;
  poll_outstanding_ = false;
  tracker_.Update(&report);
  MachineState before = snap_.status.state;
  int sub_before = snap_.status.substate;
  snap_.status = std::move(report);
  if (snap_.link == Link::kHandshake) {
    snap_.link = Link::kReady;
    snap_.message = "connected (no banner: the board did not reset on open)";
  }
  if (snap_.status.state != MachineState::kAlarm && !snap_.alarm_locked) snap_.alarm = 0;
  if (before != snap_.status.state || sub_before != snap_.status.substate) Changed();

  if (snap_.job == JobPhase::kRunning && snap_.lines_done == snap_.lines_total && answers_poll &&
      asked > last_answer_ && snap_.status.state == MachineState::kIdle) {
    FinishJob(JobPhase::kCompleted, "completed", now);
  }
  if (stop_ == Stop::kWaitHold) {
    bool held = (snap_.status.state == MachineState::kHold && snap_.status.substate == 0) ||
                snap_.status.state == MachineState::kIdle || snap_.status.state == MachineState::kAlarm;
    if (held) StopStep(now);
  }
}

void GrblController::OnAlarm(int code, Clock::time_point now) {
  snap_.alarm = code;
  snap_.status.state = MachineState::kAlarm;
  if (IsCriticalAlarm(code)) snap_.critical_alarm = true;
  streamer_.Reset();
  if (code == 3 && (stop_ != Stop::kNone || awaiting_reset_banner_ || snap_.estopped)) {
    Changed();  // the reset we sent stopped motion: expected
    return;
  }
  snap_.message = fmt::format("{}{}", DescribeAlarm(code), IsCriticalAlarm(code) ? "; reset to continue" : "");
  if (JobActive()) {
    stop_ = Stop::kNone;
    FinishJob(JobPhase::kFailed, fmt::format("{} at line {}", DescribeAlarm(code), snap_.source_line), now);
  }
  Changed();
}

// ---- Time ------------------------------------------------------------------------------------

void GrblController::OnTick(Clock::time_point now) {
  if (snap_.link == Link::kHandshake && now >= handshake_deadline_) {
    if (++handshake_tries_ > options_.handshake_attempts) {
      snap_.link = Link::kOffline;
      snap_.message = "no GRBL banner after soft resets";
      needs_reconnect_ = true;
      Changed();
      return;
    }
    awaiting_reset_banner_ = true;
    Write(std::string(1, kSoftReset));
    handshake_deadline_ = now + options_.handshake_timeout;
  }
  if (stop_ == Stop::kWaitHold && now >= stop_deadline_) StopStep(now);  // reset anyway
  if ((stop_ == Stop::kWaitBanner || stop_ == Stop::kUnlock) && now >= stop_deadline_) {
    stop_ = Stop::kNone;
    FinishJob(stop_final_, fmt::format("{}; the controller did not confirm the reset", stop_message_), now);
  }
  if (command_in_flight_) {
    auto limit = command_ == "$H" ? options_.homing_timeout : options_.command_timeout;
    if (now - command_sent_ > limit) {
      command_in_flight_ = false;
      snap_.message = fmt::format("'{}' got no answer", command_);
      Changed();
    }
  }
  if (snap_.link == Link::kReady || snap_.link == Link::kOffline) Poll(now);
  Pump(now);
}

void GrblController::Poll(Clock::time_point now) {
  if (snap_.critical_alarm || (command_in_flight_ && command_ == "$H")) {
    poll_outstanding_ = false;
    return;
  }
  if (poll_outstanding_) {
    if (now - poll_sent_ < options_.status_timeout) return;
    poll_outstanding_ = false;
    if (++missed_polls_ >= options_.missed_polls_offline && snap_.link != Link::kOffline) {
      snap_.link = Link::kOffline;
      snap_.message = fmt::format("no answer to {} status requests", missed_polls_);
      needs_reconnect_ = true;
      if (JobActive()) FinishJob(JobPhase::kFailed, "the controller stopped answering", now);
      Changed();
    }
  }
  if (now - poll_sent_ < options_.poll_interval) return;
  poll_sent_ = now;
  poll_outstanding_ = Write("?").ok();
}

// ---- Streaming and commands ------------------------------------------------------------------

void GrblController::Pump(Clock::time_point now) {
  if (snap_.link != Link::kReady) return;
  if (snap_.job == JobPhase::kRunning) {
    std::string batch;
    while (snap_.lines_sent < job_lines_.size()) {
      const std::string& text = job_lines_[snap_.lines_sent].text;
      if (!streamer_.CanSend(text.size())) break;
      streamer_.OnSent(snap_.lines_sent, text.size());
      batch += text;
      batch += '\n';
      ++snap_.lines_sent;
    }
    snap_.max_buffer_fill = std::max(snap_.max_buffer_fill, streamer_.max_fill());
    if (!batch.empty()) {
      snap_.fill_sum += streamer_.in_flight_bytes();
      ++snap_.fill_samples;
      Write(batch);
    }
    return;
  }
  bool job_streaming = snap_.job == JobPhase::kPaused || (snap_.job == JobPhase::kStopping && stop_ != Stop::kUnlock);
  if (job_streaming || command_in_flight_ || !streamer_.idle() || commands_.empty()) return;
  command_ = commands_.front();
  commands_.pop_front();
  command_in_flight_ = true;
  command_sent_ = now;
  if (console_) console_(kSent, command_);
  Write(fmt::format("{}\n", command_));
}

Status GrblController::StartJob(std::vector<JobLine> lines, uint64_t job_id, Clock::time_point now) {
  if (JobActive()) return Status::Busy(fmt::format("job {} is still {}", snap_.job_id, JobPhaseName(snap_.job)));
  if (snap_.link != Link::kReady) return Status::Busy(fmt::format("the machine is {}", LinkName(snap_.link)));
  if (snap_.estopped) return Status::Rejected("emergency-stopped: reset the machine first");
  if (snap_.status.state == MachineState::kAlarm || snap_.alarm_locked)
    return Status::Rejected(fmt::format("the machine is in alarm{}: unlock ($X) or home ($H) first",
                                        snap_.alarm ? fmt::format(" ({})", DescribeAlarm(snap_.alarm)) : ""));
  if (command_in_flight_ || !commands_.empty()) return Status::Busy("a command is still running");
  if (lines.empty()) return Status::InvalidArgument("the job has no lines");
  for (const JobLine& l : lines)
    if (!streamer_.Fits(l.text.size()))
      return Status::InvalidArgument(fmt::format("line {} does not fit GRBL's receive buffer", l.source_line));
  job_lines_ = std::move(lines);
  streamer_.Reset();
  snap_.job = JobPhase::kRunning;
  snap_.job_id = job_id;
  snap_.lines_total = job_lines_.size();
  snap_.lines_sent = 0;
  snap_.lines_done = 0;
  snap_.source_line = job_lines_.front().source_line;
  snap_.job_started = now;
  snap_.job_ended = {};
  JobMessage("running");
  last_answer_ = now;
  Changed();
  Pump(now);
  return Status::Ok();
}

Status GrblController::Pause(Clock::time_point /*now*/) {
  if (snap_.job != JobPhase::kRunning) return Status::Rejected("no running job to pause");
  BCIIN_RETURN_IF_ERROR(Write("!"));
  snap_.job = JobPhase::kPaused;
  JobMessage("paused (feed hold)");
  Changed();
  return Status::Ok();
}

Status GrblController::Resume(Clock::time_point now) {
  if (snap_.job != JobPhase::kPaused) return Status::Rejected("no paused job to resume");
  BCIIN_RETURN_IF_ERROR(Write("~"));
  snap_.job = JobPhase::kRunning;
  JobMessage("running");
  Changed();
  Pump(now);
  return Status::Ok();
}

Status GrblController::Cancel(Clock::time_point now) {
  if (snap_.job != JobPhase::kRunning && snap_.job != JobPhase::kPaused)
    return Status::Rejected("no job to cancel");
  BeginStop(JobPhase::kCancelled, "cancelled", now);
  return Status::Ok();
}

void GrblController::BeginStop(JobPhase final_phase, std::string message, Clock::time_point now) {
  bool was_paused = snap_.job == JobPhase::kPaused;
  snap_.job = JobPhase::kStopping;
  stop_final_ = final_phase;
  stop_message_ = std::move(message);
  JobMessage(fmt::format("{} (stopping)", stop_message_));
  stop_ = Stop::kWaitHold;
  stop_deadline_ = now + options_.hold_timeout;
  if (!was_paused) Write("!");
  // Ask for a status at once: the hold may already be complete.
  if (!poll_outstanding_) {
    poll_sent_ = now;
    poll_outstanding_ = Write("?").ok();
  }
  Changed();
}

void GrblController::StopStep(Clock::time_point now) {
  // The hold is complete (or timed out): reset, which empties GRBL's buffers.
  stop_ = Stop::kWaitBanner;
  stop_deadline_ = now + options_.handshake_timeout;
  SoftReset(now);
}

void GrblController::SoftReset(Clock::time_point now) {
  streamer_.Reset();
  poll_outstanding_ = false;
  command_in_flight_ = false;
  commands_.clear();
  awaiting_reset_banner_ = stop_ == Stop::kNone;
  poll_sent_ = now;
  Write(std::string(1, kSoftReset));
}

void GrblController::FinishJob(JobPhase phase, std::string message, Clock::time_point now) {
  snap_.job = phase;
  JobMessage(std::move(message));
  snap_.job_ended = now;
  Changed();
}

Status GrblController::EmergencyStop(Clock::time_point now) {
  Status s = Write(std::string(1, kSoftReset));
  streamer_.Reset();
  commands_.clear();
  command_in_flight_ = false;
  stop_ = Stop::kNone;
  awaiting_reset_banner_ = true;
  snap_.estopped = true;
  if (JobActive()) FinishJob(JobPhase::kFailed, "emergency stop", now);
  snap_.message = "emergency stop: reset the machine before the next job";
  Changed();
  return s;
}

Status GrblController::Reset(Clock::time_point now) {
  if (snap_.link == Link::kDisconnected) return Status::Busy("not connected");
  if (JobActive()) FinishJob(JobPhase::kFailed, "reset by the operator", now);
  stop_ = Stop::kNone;
  SoftReset(now);
  unlock_after_banner_ = options_.unlock_after_cancel;
  snap_.estopped = false;
  snap_.critical_alarm = false;
  snap_.message = "reset";
  Changed();
  return Status::Ok();
}

Status GrblController::Command(std::string_view line, Clock::time_point now) {
  if (line == "?" || line == "!" || line == "~") {
    if (console_) console_(kSent, std::string(line));
    return Write(line);
  }
  if (JobActive()) return Status::Busy("a job is running; commands wait until it ends");
  if (snap_.link != Link::kReady) return Status::Busy(fmt::format("the machine is {}", LinkName(snap_.link)));
  if (line.size() > 80) return Status::InvalidArgument("command longer than 80 characters");
  for (char c : line)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return Status::InvalidArgument("commands are printable ASCII");
  commands_.emplace_back(line);
  Pump(now);
  return Status::Ok();
}

}  // namespace bciin::grbl
