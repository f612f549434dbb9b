// MarlinHost: the Marlin host protocol engine, independent of ports, threads and plugins.
//
// The engine is a state machine fed with events: the port was opened or lost, a line arrived,
// time passed, and operator requests (submit, pause, resume, cancel, emergency stop, console).
// It writes lines through a LineSink and reports through a HostListener. Behaviour follows
// devices.md sections 1.8, 1.9 and 7, with OctoPrint as the bar:
//  - connect: "N0 M110 N0" (again on "start", retried), then M115; capabilities are trusted
//    only as reported; M155 auto-report when AUTOREPORT_TEMP, else M105 polling;
//  - every line numbered with a checksum, a history for resends, ok-based flow control
//    (ping-pong by default, more lines in flight with ADVANCED_OK when configured);
//  - resend: wait for the ok that follows "Resend:", resend from the requested line with the
//    original numbers, suppress duplicates, give up after too many requests for one line or a
//    line older than the history;
//  - timeouts: nothing at all received, or lines but no ok; longer for long commands and while
//    "busy:" arrives; a tickle M105 each time; N consecutive timeouts = offline;
//  - errors by class; fatal ones fail the job and stop the machine;
//  - a board reset ("start") mid-job fails the job (the printer lost its state); a lost port
//    pauses the job at a known line, resumed only by the operator after reconnection;
//  - pause: stop feeding, M400 + M114 to learn the position, optional lift; resume restores.
//
// Thread safety: none. MarlinDevice serializes every call with one mutex.
#pragma once

#include "marlin_reply.hpp"

#include <bciin/device.h>
#include <bciin/gcode/estimator.hpp>
#include <bciin/gcode/program.hpp>
#include <bciin/sdk/device.hpp>
#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bciin::marlin {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

struct HostOptions {
  Ms handshake_timeout{2000};     // per "M110 N0" try
  int handshake_tries = 3;        // then the port is closed and opened again
  Ms communication_timeout{30000};
  Ms long_command_timeout{120000};  // G28 G29 G4 M109 M190 M400 M600
  Ms busy_timeout{3000};          // after a "busy:" line
  Ms resend_ok_timeout{500};      // fake the ok that old firmware omits after "Resend:"
  int max_timeouts_idle = 2;
  int max_timeouts_printing = 5;
  int max_consecutive_resends = 10;
  size_t history = 100;           // lines kept for resends (>= 50)
  int max_in_flight = 1;          // 1 = ping-pong; more only with ADVANCED_OK replies
  int temperature_interval_s = 2; // M155 S<n>, or M105 every n seconds
  Ms progress_interval{250};      // progress events at most this often
  double pause_lift_mm = 0;       // lift Z on pause (restored on resume)
  double travel_feed = 6000;      // mm/min for the restore moves
  std::vector<std::string> cancel_script{"M104 S0", "M140 S0", "M106 S0", "M84"};
  bool send_m112_on_error = true;
};

// Where the engine's output goes.
class LineSink {
 public:
  virtual ~LineSink() = default;
  // Writes one line (the newline is added by the sink).
  virtual Status WriteLine(const std::string& line) = 0;
};

class HostListener {
 public:
  virtual ~HostListener() = default;
  virtual void OnState(const sdk::DeviceStatus& status) = 0;
  virtual void OnProgress(const sdk::JobProgress& progress) = 0;
  virtual void OnTelemetry(const std::vector<sdk::TelemetryValue>& values) = 0;
  virtual void OnConsole(int32_t direction, const std::string& line) = 0;
  virtual void OnLog(bciin_log_level level, const std::string& message) = 0;
};

class MarlinHost {
 public:
  MarlinHost(HostOptions options, LineSink* sink, HostListener* listener);

  // ---- Events from the port ----
  void OnConnected(Clock::time_point now);
  void OnDisconnected(Clock::time_point now, const std::string& reason);
  void OnLine(const std::string& line, Clock::time_point now);
  void OnTick(Clock::time_point now);
  // True once the engine wants the port closed and opened again (offline, reset, failed
  // handshake). The owner closes the port, calls OnDisconnected and clears it by reconnecting.
  bool wants_reconnect() const { return wants_reconnect_; }

  // ---- Operator requests ----
  Status CheckJob(const sdk::JobSpec& job, gcode::Program* program = nullptr) const;
  Status Submit(const sdk::JobSpec& job, Clock::time_point now, uint64_t* job_id);
  Status Pause(Clock::time_point now);
  Status Resume(Clock::time_point now);
  Status Cancel(Clock::time_point now);
  Status EmergencyStop(Clock::time_point now);
  // Forgets an error or stop and asks for a reconnect and a new handshake.
  Status Reset(Clock::time_point now);
  Status ConsoleSend(const std::string& line, Clock::time_point now);

  // ---- Queries ----
  sdk::DeviceInfo info() const { return info_; }
  sdk::DeviceStatus status() const;
  sdk::JobProgress progress(Clock::time_point now) const;
  bciin_device_state state() const { return state_; }
  // Counters for tests and the benchmark.
  uint64_t resends_requested() const { return resends_; }
  uint64_t timeouts() const { return total_timeouts_; }

 private:
  enum class Link { kClosed, kHandshake, kIdentify, kReady };

  struct Job {
    uint64_t id = 0;
    std::string name;
    std::vector<std::string> lines;
    std::vector<uint32_t> source_lines;
    std::unique_ptr<gcode::TimeEstimate> estimate;
    uint32_t copies = 1;
    uint32_t copy = 1;
    size_t next = 0;   // index of the next line to send
    size_t acked = 0;  // lines acknowledged in this copy
    bciin_job_state state = BCIIN_JOB_RUNNING;
    std::string message;
    Clock::time_point started{};
    bool lost_connection = false;  // paused by a lost port: resumable after reconnection
    bool parked = false;
    // Modal state of what was sent, for the resume after a park.
    bool relative = false, relative_e = false;
    double feed = 0;
  };

  struct InFlight {
    int64_t number;        // -1 for unnumbered
    std::optional<size_t> job_index;
    bool long_command;
  };

  void SetState(bciin_device_state s, const std::string& message);
  void SendHello(Clock::time_point now);
  // Sends `payload` numbered; `job_index` marks a job line.
  void SendNumbered(const std::string& payload, std::optional<size_t> job_index, Clock::time_point now);
  void SendRaw(const std::string& line);
  void Pump(Clock::time_point now);
  void HandleOk(const Reply& r, Clock::time_point now);
  void HandleResend(int64_t n, Clock::time_point now);
  void HandleError(const Reply& r, Clock::time_point now);
  void HandleTimeout(Clock::time_point now);
  void BecomeReady(Clock::time_point now);
  void UpdateCapabilities();
  void FailJob(const std::string& why);
  void FinishJob(bciin_job_state state, const std::string& message);
  void PublishTemperatures(const std::vector<Temperature>& temps);
  void MaybeProgress(Clock::time_point now, bool force);
  void TrackModal(const std::string& line);
  Clock::duration CurrentTimeout() const;
  void Log(bciin_log_level level, const std::string& message) { listener_->OnLog(level, message); }

  HostOptions options_;
  LineSink* sink_;
  HostListener* listener_;

  bciin_device_state state_ = BCIIN_DEVICE_DISCONNECTED;
  std::string state_message_;
  Link link_ = Link::kClosed;
  bool wants_reconnect_ = false;
  uint64_t reconnects_ = 0;
  bool connected_once_ = false;

  int handshake_tries_ = 0;
  bool hello_failed_ = false;
  bool identified_ = false;  // M115's FIRMWARE_NAME line arrived
  Clock::time_point handshake_deadline_{};

  sdk::DeviceInfo info_;
  std::map<std::string, bool> caps_;
  bool autoreport_ = false;
  bool advanced_ok_seen_ = false;

  int64_t next_number_ = 1;
  std::map<int64_t, std::pair<std::string, std::optional<size_t>>> history_;  // number -> payload, job index
  std::deque<InFlight> in_flight_;
  std::deque<std::string> priority_;  // housekeeping and console lines, before job lines
  bool awaiting_resend_ok_ = false;
  Clock::time_point resend_ok_deadline_{};
  std::optional<int64_t> resend_next_;  // next history line to resend
  int64_t resend_last_ = 0;             // resend runs through this number
  int64_t last_resend_request_ = -1;
  int consecutive_resends_ = 0;
  uint64_t resends_ = 0;

  Clock::time_point last_rx_{};
  Clock::time_point deadline_{};  // for the front in-flight line / idle keep-alive
  int timeouts_ = 0;
  uint64_t total_timeouts_ = 0;
  Clock::time_point next_temperature_poll_{};

  std::unique_ptr<Job> job_;
  uint64_t next_job_id_ = 1;
  Clock::time_point last_progress_{};
  bool awaiting_position_ = false;
  std::map<std::string, double> paused_position_;
  bool estopped_ = false;
};

}  // namespace bciin::marlin
