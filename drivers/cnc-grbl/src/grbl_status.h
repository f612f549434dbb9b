// The GRBL 1.1 status report: `<Idle|MPos:0.000,0.000,0.000|FS:0,0|WCO:0.000,0.000,0.000>`.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bciin::grbl {

enum class MachineState { kUnknown, kIdle, kRun, kHold, kJog, kAlarm, kDoor, kCheck, kHome, kSleep };

// "Idle", "Run", "Hold", ...; "Unknown" for kUnknown.
std::string_view MachineStateName(MachineState state);

// Up to six axes (GRBL reports three; forks report up to six).
struct Position {
  static constexpr int kMaxAxes = 6;
  std::array<double, kMaxAxes> axis{};
  int count = 0;

  double x() const { return axis[0]; }
  double y() const { return axis[1]; }
  double z() const { return axis[2]; }
  bool operator==(const Position&) const = default;
};

struct Overrides {
  int feed = 100;     // percent
  int rapid = 100;    // percent
  int spindle = 100;  // percent
  bool operator==(const Overrides&) const = default;
};

// One parsed report. Fields GRBL did not send are empty.
struct StatusReport {
  MachineState state = MachineState::kUnknown;
  int substate = -1;  // Hold:0|1, Door:0-3; -1 when absent. Hold:0 means the hold is complete.
  std::optional<Position> mpos;
  std::optional<Position> wpos;
  std::optional<Position> wco;
  std::optional<double> feed;      // mm/min (or in/min in G20)
  std::optional<double> spindle;   // rpm
  std::optional<int> planner_blocks_free;  // Bf: first value
  std::optional<int> rx_bytes_free;        // Bf: second value
  std::optional<long> line_number;         // Ln:
  std::optional<Overrides> overrides;      // Ov:
  std::string pins;                        // Pn: letters among XYZPDHRS
  std::string accessories;                 // A: letters among SCFM
};

// Parses a status report line, with or without the surrounding '<' '>'. Unknown fields are
// ignored (forks add their own). Returns nullopt when the text is not a status report or a
// known field is malformed.
std::optional<StatusReport> ParseStatusReport(std::string_view line);

// Keeps the last known work coordinate offset so that both positions are always available:
// GRBL sends WCO only every 10-30 reports, and one of MPos/WPos per report (by $10).
class PositionTracker {
 public:
  // Folds a report in; fills whichever of report->mpos/wpos was missing when the WCO is known.
  void Update(StatusReport* report);
  const std::optional<Position>& wco() const { return wco_; }
  void Reset() { wco_.reset(); }

 private:
  std::optional<Position> wco_;
};

}  // namespace bciin::grbl
