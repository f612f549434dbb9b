// The GRBL 1.1 machine model behind bciin-sim-grbl, transport-free and driven by a clock the
// caller passes in, so that it is unit-testable.
//
// What it models (devices.md section 3): the 128-byte receive buffer (bytes beyond it are lost
// and counted as overflow), realtime bytes picked out on arrival (`?` `!` `~` 0x18 and the
// override bytes), a 15-block planner whose blocks take their kinematic time multiplied by a
// time scale, `ok`/`error:N` per line, status reports, feed hold and resume, soft reset (ALARM:3
// when in motion), limit alarms (critical: only a reset is heard), the alarm lock and `$X`,
// `$H` homing when enabled, `$$`/`$N=`, `$I`, `$G`, `$#`. Executed lines are recorded in order.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::grbl::sim {

using Clock = std::chrono::steady_clock;

struct SimOptions {
  // Wall time of a block = kinematic time * time_scale + block_time.
  double time_scale = 0.01;
  std::chrono::microseconds block_time{0};
  size_t rx_buffer = 128;
  size_t planner_blocks = 15;
  bool homing_enabled = false;  // $22=1: start alarm-locked, $H homes
  std::chrono::milliseconds hold_decel{20};
  std::chrono::milliseconds homing_time{200};
  // Faults, by 1-based count of G-code lines received since power-up.
  uint64_t alarm_at_line = 0;  // a limit switch trips when this line starts executing
  int alarm_code = 1;
  uint64_t error_at_line = 0;  // this line is answered error:<error_code> instead of ok
  int error_code = 20;
};

struct SimStats {
  size_t max_rx_fill = 0;        // most bytes ever held in the receive buffer
  uint64_t overflow_bytes = 0;   // bytes lost because the buffer was full
  uint64_t lines_received = 0;   // G-code lines parsed
  uint64_t lines_executed = 0;   // blocks completed
  uint64_t resets = 0;
  uint64_t status_reports = 0;
  // Wall seconds from the start of the first block to the end of the last one: the denominator
  // of the streaming rate the host achieved (lines_executed / exec_span_s).
  double exec_span_s = 0;
  // Times the planner ran dry while running (the last block of a job counts once).
  uint64_t starvations = 0;
};

class GrblSimMachine {
 public:
  explicit GrblSimMachine(SimOptions options);

  // A host opened the port: GRBL boards reset on DTR, so this is a power-up (banner).
  void Connect(Clock::time_point now);

  // Bytes from the host.
  void Receive(std::string_view bytes, Clock::time_point now);

  // Runs the planner and the line parser up to `now`.
  void Advance(Clock::time_point now);

  // When Advance next has something to do (a block or a hold completing); max() when idle.
  Clock::time_point NextEvent() const;

  // Output for the host since the last call.
  std::string TakeOutput();

  // Lines whose blocks completed, in order, as received (without '\n').
  const std::vector<std::string>& record() const { return record_; }
  const SimStats& stats() const { return stats_; }
  std::string StateName() const;

 private:
  enum class State { kIdle, kRun, kHold, kAlarm, kHome, kCheck };
  struct Block {
    std::string line;
    uint64_t line_index = 0;  // 1-based count of G-code lines
    double duration_s = 0;    // wall seconds
    double done_s = 0;
    double from[3]{};
    double to[3]{};
    double feed = 0;
  };

  void Emit(std::string_view line);
  void Banner();
  void SoftReset(Clock::time_point now);
  void Realtime(uint8_t byte, Clock::time_point now);
  void ProcessLines(Clock::time_point now);
  void HandleSystem(const std::string& line, Clock::time_point now);
  void HandleGcode(const std::string& raw, Clock::time_point now);
  void RunPlanner(Clock::time_point now);
  void Alarm(int code, bool critical);
  void StatusReport();
  bool InMotion() const { return state_ == State::kRun || state_ == State::kHome || (state_ == State::kHold && !planner_.empty()); }

  SimOptions options_;
  SimStats stats_;
  State state_ = State::kIdle;
  bool critical_alarm_ = false;
  bool hold_complete_ = false;
  Clock::time_point hold_done_at_{};
  Clock::time_point home_done_at_{};
  Clock::time_point last_advance_{};
  Clock::time_point first_block_start_{};
  bool block_started_ = false;
  bool status_requested_ = false;
  int report_count_ = 0;
  std::string rx_;
  std::string out_;
  std::deque<Block> planner_;
  std::vector<std::string> record_;
  std::map<int, std::string> settings_;
  // Modal state of the G-code interpreter.
  double pos_[3]{};      // planned position, mm
  double machine_[3]{};  // executed position, mm
  double feed_ = 0;      // mm/min; 0 = undefined
  int motion_ = 0;       // 0, 1, 2, 3
  bool absolute_ = true;
  double unit_ = 1;      // 25.4 in G20
  int ov_feed_ = 100, ov_rapid_ = 100, ov_spindle_ = 100;
};

}  // namespace bciin::grbl::sim
