// bciin::gcode::TimeEstimate: remaining-time estimate of a program from its feed rates.
//
// A naive kinematic model (no acceleration), the one OctoPrint's gcodeInterpreter uses: each
// move takes max(distance / F, |dE| / F); F starts at 6000 mm/min and is modal; G20/G21,
// G90/G91, M82/M83, G92 and G28 are followed; arcs (G2/G3, I/J or R) use their arc length; G4
// adds its dwell. Heating waits are unknown and count as zero. Known to read up to ~15 % low
// against a slicer's planner emulation (devices.md section 5.3).
#pragma once

#include <bciin/gcode/program.hpp>

#include <cstddef>
#include <vector>

namespace bciin::gcode {

// The machine state the estimate follows, one command at a time (also used by simulators).
class MotionModel {
 public:
  // Applies `c` and returns its duration in seconds (0 for commands that take no modelled time).
  double Step(const Command& c);
  // Millimetres of filament extruded so far (sum of positive E moves).
  double filament_mm() const { return filament_mm_; }
  double x() const { return pos_[0]; }
  double y() const { return pos_[1]; }
  double z() const { return pos_[2]; }
  double e() const { return e_; }
  double feed() const { return feed_; }

 private:
  double ArcLength(const Command& c, double x, double y) const;

  double pos_[3] = {0, 0, 0};
  double e_ = 0;
  double feed_ = 6000;  // mm/min
  double unit_ = 1;     // 25.4 after G20
  bool absolute_ = true;
  bool absolute_e_ = true;
  double filament_mm_ = 0;
};

class TimeEstimate {
 public:
  explicit TimeEstimate(const std::vector<Command>& commands);

  // Seconds of the whole program.
  double total_seconds() const { return suffix_.empty() ? 0.0 : suffix_.front(); }
  // Seconds left once the first `done` commands have run (0 <= done <= size).
  double remaining_seconds(size_t done) const {
    return done < suffix_.size() ? suffix_[done] : 0.0;
  }
  // Seconds of command `i` alone.
  double command_seconds(size_t i) const { return durations_[i]; }
  // Millimetres of filament the program extrudes (sum of positive E moves).
  double filament_mm() const { return filament_mm_; }

 private:
  std::vector<double> durations_;
  std::vector<double> suffix_;  // suffix_[i] = sum of durations_[i..]; one extra 0 at the end
  double filament_mm_ = 0;
};

}  // namespace bciin::gcode
