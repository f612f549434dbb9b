// MarlinSim: a simulated Marlin board behind a pseudo-terminal, for tests and benchmarks.
//
// Models what a host sees of Marlin 2.x (devices.md sections 1 and 2): a receive buffer and a
// command queue of BUFSIZE lines, a planner of BLOCK_BUFFER_SIZE moves that take scaled time,
// line numbers and checksums with "Error:... Resend: n / ok", busy keep-alive lines during long
// commands, heaters that heat and cool over scaled time, M105/M155 temperature reports, M115
// identity and capability lines, and an emergency parser (M112, M108, M410 act on arrival).
// Faults chosen in SimOptions: checksum noise at a rate, dropped oks, a disconnect, silence, a
// fatal error and a board reset after a number of lines. Every executed command is appended to
// a record file so that tests can compare it with the program.
//
// Single-threaded: Run() owns the pty and loops until Stop() (async-signal-safe) is called.
#pragma once

#include <bciin/gcode/estimator.hpp>
#include <bciin/serial/pty.hpp>
#include <bciin/sdk/status.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace bciin::sim {

struct SimOptions {
  std::string port;               // stable symlink path of the pty
  double time_scale = 0.01;       // wall seconds per simulated second; 0 = instant
  double noise = 0;               // probability that a numbered line arrives corrupted
  double drop_ok = 0;             // probability that an ok is not sent
  uint64_t disconnect_after = 0;  // after this many numbered lines, close the pty as the next arrives (once)
  int reconnect_delay_ms = 300;   // then make a new one at the same path after this delay
  uint64_t silence_after = 0;     // stop answering after this many numbered lines
  uint64_t fatal_after = 0;       // thermal runaway + kill() after this many numbered lines
  uint64_t reset_after = 0;       // board reset ("start") after this many numbered lines (once)
  bool emergency_parser = true;
  bool autoreport_temp = true;
  bool advanced_ok = false;       // "ok N<n> P<planner> B<queue>"
  size_t bufsize = 4;
  size_t planner_size = 16;
  uint64_t seed = 1;
  std::string record;             // file of executed commands ("" = none)
};

struct SimStats {
  uint64_t lines = 0;        // numbered lines accepted
  uint64_t commands = 0;     // commands executed (numbered or not)
  uint64_t resends = 0;      // resend requests sent
  uint64_t noise_hits = 0;   // lines corrupted on purpose
  uint64_t dropped_oks = 0;
  uint64_t max_queued = 0;   // most commands waiting in the queue at once (lines in flight)
  double motion_seconds = 0; // simulated seconds of planned moves
};

class MarlinSim {
 public:
  explicit MarlinSim(SimOptions options);
  ~MarlinSim();

  // Serves the pty until Stop(). Returns an error if the pty cannot be created.
  Status Run();
  // Asks Run() to return; safe from a signal handler.
  void Stop() { stop_.store(true); }

  // Executes `program` without a host, as fast as the planner allows, and returns the
  // simulator's own command rate: the reference the host's streaming rate is compared with.
  // Stores the number of commands and the wall seconds it took.
  static Status Benchmark(const SimOptions& options, const std::string& program, uint64_t* commands,
                          double* seconds);

  const SimStats& stats() const { return stats_; }

 private:
  using Clock = std::chrono::steady_clock;

  // A command taken from the queue and not finished yet.
  struct Current {
    std::string payload;
    bool numbered = false;
    gcode::Command cmd;
    bool parsed = false;
    enum class Wait { kNone, kPlannerRoom, kPlannerEmpty, kDwell, kHeat } wait = Wait::kNone;
    Clock::time_point until{};
    Clock::time_point next_report{};
    bool started = false;
  };

  void Loop();
  Clock::time_point NextWake(Clock::time_point now) const;
  Status RunDirect(const std::vector<std::string>& lines);
  void OnConnect();
  void Send(const std::string& line);
  void ReadInput();
  bool HandleEmergency(const std::string& payload);
  void ProcessQueue();
  // Validates line number and checksum; false when a resend was requested.
  bool CheckLine(const std::string& line, std::string* payload, bool* numbered);
  void RequestResend(const std::string& error);
  // Runs the current command one step. True when it finished (ok sent).
  bool Execute(Current* c);
  void Finish(const Current& c, const std::string& reply_before_ok = "");
  void AfterNumberedLine();
  void Halt(const std::string& reason);
  void BoardReset();
  void Disconnect();
  void AdvanceTime();
  std::string TemperatureLine() const;
  std::string OkLine() const;
  void Record(const std::string& line);
  Clock::duration Scaled(double sim_seconds) const;
  Clock::duration ScaledAtLeast(double sim_seconds, int min_ms) const;

  SimOptions options_;
  std::atomic<bool> stop_{false};
  std::unique_ptr<serial::PseudoTerminal> pty_;
  bool connected_ = false;
  bool booted_ = false;
  bool halted_ = false;
  bool silent_ = false;
  bool disconnected_once_ = false;
  bool reset_once_ = false;
  Clock::time_point reconnect_at_{};

  std::string rx_;                  // bytes read, not yet lines
  std::deque<std::string> queue_;   // received lines, at most BUFSIZE (the RX buffer)
  std::optional<Current> current_;
  int64_t last_n_ = 0;

  std::deque<Clock::time_point> planner_;  // end times of planned moves
  Clock::time_point planner_busy_until_{};
  gcode::MotionModel motion_;

  double hotend_ = 21.3, hotend_target_ = 0, bed_ = 21.3, bed_target_ = 0;
  Clock::time_point last_thermal_{};
  double autoreport_s_ = 0;
  Clock::time_point next_autoreport_{};
  double keepalive_s_ = 2;
  Clock::time_point next_busy_{};

  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::FILE* record_ = nullptr;
  SimStats stats_;
};

}  // namespace bciin::sim
