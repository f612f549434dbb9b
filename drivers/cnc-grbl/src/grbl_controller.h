// GrblController: the GRBL 1.1 host protocol engine, free of threads and ports.
//
// The owner feeds it what happens (connected, a line received, time passing, disconnected) and
// operator requests (start a job, pause, resume, cancel, e-stop, reset, console commands); it
// writes bytes through a Transport and keeps a snapshot of the machine and the job.
//
// Protocol (devices.md section 3):
//  - Handshake: wait for the banner `Grbl 1.1h [...]` (or a status report from a board that did
//    not reset on open); after `handshake_timeout` send a soft reset (0x18), a few times.
//  - Status: `?` at most every `poll_interval` (<= 5 Hz), one outstanding; unanswered polls count
//    as missed, and `missed_polls_offline` in a row make the link offline. No polls during a
//    critical alarm or homing, when GRBL does not answer them.
//  - Jobs stream by character counting within the RX buffer less a reserve for realtime bytes.
//    A job completes when every line was answered `ok` and a status report requested after the
//    last answer says Idle.
//  - Pause `!`, resume `~`. Cancel: `!`, wait for Hold:0 (or Idle), 0x18, wait for the banner,
//    `$X` if the reset left an alarm lock (ALARM:3 is expected here, not a failure).
//  - `error:N` in a job fails it (with the line and the reason) and stops the machine as cancel
//    does; `ALARM:N` fails it with the alarm's reason and leaves the machine in alarm; a banner
//    mid-job (an unexpected reset) fails it: the machine state is lost, never resumed blindly.
//  - System and console commands are sent one at a time (send-response), never while a job
//    streams; `$N=` writes therefore never share the buffer with streamed lines.
//
// Not thread-safe: the owner serialises all calls.
#pragma once

#include "char_counting_streamer.h"
#include "grbl_job.h"
#include "grbl_status.h"

#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::grbl {

using Clock = std::chrono::steady_clock;

// Where the controller's bytes go (a serial port, or a test's buffer).
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Status Write(std::string_view bytes) = 0;
};

struct ControllerOptions {
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds status_timeout{1000};
  int missed_polls_offline = 3;
  std::chrono::milliseconds handshake_timeout{2000};
  int handshake_attempts = 3;
  std::chrono::milliseconds hold_timeout{10000};
  std::chrono::milliseconds command_timeout{10000};
  std::chrono::milliseconds homing_timeout{120000};
  size_t rx_buffer = CharCountingStreamer::kGrblRxBuffer;
  size_t rx_reserve = CharCountingStreamer::kDefaultReserve;
  bool unlock_after_cancel = true;
};

enum class Link { kDisconnected, kHandshake, kReady, kOffline };
enum class JobPhase { kNone, kRunning, kPaused, kStopping, kCompleted, kCancelled, kFailed };

std::string_view LinkName(Link link);
std::string_view JobPhaseName(JobPhase phase);

struct ControllerSnapshot {
  Link link = Link::kDisconnected;
  std::string firmware;            // "Grbl 1.1h" once the banner was seen
  StatusReport status;             // the last report, both positions filled when the WCO is known
  int alarm = 0;                   // the last ALARM:N while in alarm, else 0
  bool alarm_locked = false;       // `[MSG:'$H'|'$X' to unlock]` seen and not yet unlocked
  bool critical_alarm = false;     // only a reset is heard
  bool estopped = false;           // emergency stop sent; Reset() needed
  std::string message;             // why things are as they are ("ALARM:1 (hard limit ...)")
  std::map<int, std::string> settings;  // from the last `$$`

  JobPhase job = JobPhase::kNone;
  uint64_t job_id = 0;
  std::string job_message;         // the job's own story ("paused (feed hold)", "ALARM:1 ...")
  size_t lines_total = 0;
  size_t lines_sent = 0;
  size_t lines_done = 0;           // answered `ok`
  uint32_t source_line = 0;        // program line of the next line to be answered
  Clock::time_point job_started{};
  Clock::time_point job_ended{};
  size_t max_buffer_fill = 0;      // highest bytes in flight in GRBL's RX buffer, all jobs
  uint64_t fill_sum = 0;           // bytes in flight after each top-up while streaming, summed
  uint64_t fill_samples = 0;       // ... and counted: fill_sum / fill_samples = the fill kept
};

class GrblController {
 public:
  // `transport` must outlive the controller.
  GrblController(ControllerOptions options, Transport* transport);

  // Console lines (BCIIN_CONSOLE_RECEIVED = 0 / SENT = 1): everything received except status
  // reports and the answers to streamed job lines, and every command sent.
  void set_console(std::function<void(int direction, const std::string& line)> fn) {
    console_ = std::move(fn);
  }

  // ---- What happens ----
  void OnConnected(Clock::time_point now);
  void OnDisconnected(std::string_view reason, Clock::time_point now);
  void OnLine(std::string_view line, Clock::time_point now);
  void OnTick(Clock::time_point now);

  // True when the link is beyond repair by protocol (offline, or a write failed): the owner
  // should close the port and connect again.
  bool needs_reconnect() const { return needs_reconnect_; }

  // ---- Operator requests ----
  // Busy when a job is active or the link is not ready; InvalidArgument when a line does not
  // fit the buffer.
  Status StartJob(std::vector<JobLine> lines, uint64_t job_id, Clock::time_point now);
  Status Pause(Clock::time_point now);
  Status Resume(Clock::time_point now);
  Status Cancel(Clock::time_point now);
  Status EmergencyStop(Clock::time_point now);
  // Soft reset, then `$X` if the reset leaves an alarm lock; clears an emergency stop.
  Status Reset(Clock::time_point now);
  // Queues a console or system command (`$$`, `$X`, `$H`, `$110=500`, `G0 X0`); realtime
  // characters (`?`, `!`, `~`) are sent at once. Busy while a job is active.
  Status Command(std::string_view line, Clock::time_point now);

  const ControllerSnapshot& snapshot() const { return snap_; }
  // Increments on every change a listener may want to hear about.
  uint64_t version() const { return version_; }
  // Increments on every status report.
  uint64_t status_count() const { return status_count_; }

 private:
  enum class Stop { kNone, kWaitHold, kWaitBanner, kUnlock };

  Status Write(std::string_view bytes);
  void Changed() { ++version_; }
  bool JobActive() const {
    return snap_.job == JobPhase::kRunning || snap_.job == JobPhase::kPaused || snap_.job == JobPhase::kStopping;
  }
  void Pump(Clock::time_point now);
  void Poll(Clock::time_point now);
  void FinishJob(JobPhase phase, std::string message, Clock::time_point now);
  // Sets both the job's message and the device's.
  void JobMessage(std::string message) {
    snap_.job_message = message;
    snap_.message = std::move(message);
  }
  void BeginStop(JobPhase final_phase, std::string message, Clock::time_point now);
  void StopStep(Clock::time_point now);
  void OnAnswer(bool ok, int code, Clock::time_point now);
  void OnBanner(std::string_view version, Clock::time_point now);
  void OnStatus(StatusReport report, Clock::time_point now);
  void OnAlarm(int code, Clock::time_point now);
  void SoftReset(Clock::time_point now);

  ControllerOptions options_;
  Transport* transport_;
  std::function<void(int, const std::string&)> console_;
  ControllerSnapshot snap_;
  uint64_t version_ = 0;
  uint64_t status_count_ = 0;
  bool needs_reconnect_ = false;

  CharCountingStreamer streamer_;
  PositionTracker tracker_;
  std::vector<JobLine> job_lines_;
  Clock::time_point last_answer_{};

  // Handshake.
  Clock::time_point handshake_deadline_{};
  int handshake_tries_ = 0;

  // Status polling.
  bool poll_outstanding_ = false;
  Clock::time_point poll_sent_{};
  int missed_polls_ = 0;

  // Commands (send-response).
  std::deque<std::string> commands_;
  bool command_in_flight_ = false;
  std::string command_;
  Clock::time_point command_sent_{};

  // The stop sequence (cancel, error mid-job) and resets.
  Stop stop_ = Stop::kNone;
  JobPhase stop_final_ = JobPhase::kCancelled;
  std::string stop_message_;
  Clock::time_point stop_deadline_{};
  bool hold_sent_ = false;
  bool awaiting_reset_banner_ = false;
  bool unlock_after_banner_ = false;
};

}  // namespace bciin::grbl
