#include <bciin/gcode/estimator.hpp>

#include <algorithm>
#include <cmath>

namespace bciin::gcode {

double MotionModel::ArcLength(const Command& c, double x, double y) const {
  const double x0 = pos_[0], y0 = pos_[1];
  double i = 0, j = 0, rr = 0;
  if (c.Has('R', &rr)) {
    double r = std::fabs(rr * unit_);
    double chord = std::hypot(x - x0, y - y0);
    if (chord == 0 || r == 0) return 0;
    double angle = 2 * std::asin(std::min(1.0, chord / (2 * r)));
    if (rr < 0) angle = 2 * M_PI - angle;  // R < 0: the long way round
    return angle * r;
  }
  c.Has('I', &i);
  c.Has('J', &j);
  double cx = x0 + i * unit_, cy = y0 + j * unit_;
  double r = std::hypot(i * unit_, j * unit_);
  double a0 = std::atan2(y0 - cy, x0 - cx);
  double a1 = std::atan2(y - cy, x - cx);
  double sweep = c.code == 2 ? a0 - a1 : a1 - a0;  // G2 is clockwise
  while (sweep <= 1e-9) sweep += 2 * M_PI;
  return sweep * r;
}

double MotionModel::Step(const Command& c) {
  double v = 0;
  if (c.letter == 'M') {
    if (c.code == 82) absolute_e_ = true;
    if (c.code == 83) absolute_e_ = false;
    return 0;
  }
  if (c.letter != 'G') return 0;
  switch (c.code) {
    case 0: case 1: case 2: case 3: {
      if (c.Has('F', &v) && v > 0) feed_ = v * unit_;
      const char axes[3] = {'X', 'Y', 'Z'};
      double target[3];
      for (int a = 0; a < 3; ++a) {
        target[a] = pos_[a];
        if (c.Has(axes[a], &v)) target[a] = absolute_ ? v * unit_ : pos_[a] + v * unit_;
      }
      double e = e_;
      if (c.Has('E', &v)) e = absolute_e_ ? v * unit_ : e_ + v * unit_;
      double dist;
      if (c.code >= 2) {
        dist = std::hypot(ArcLength(c, target[0], target[1]), target[2] - pos_[2]);
      } else {
        dist = std::sqrt((target[0] - pos_[0]) * (target[0] - pos_[0]) +
                         (target[1] - pos_[1]) * (target[1] - pos_[1]) +
                         (target[2] - pos_[2]) * (target[2] - pos_[2]));
      }
      double de = e - e_;
      if (de > 0) filament_mm_ += de;
      for (int a = 0; a < 3; ++a) pos_[a] = target[a];
      e_ = e;
      return std::max(dist, std::fabs(de)) / (feed_ / 60.0);
    }
    case 4:
      if (c.Has('P', &v)) return v / 1000.0;
      if (c.Has('S', &v)) return v;
      return 0;
    case 20: unit_ = 25.4; return 0;
    case 21: unit_ = 1; return 0;
    case 28: {
      bool any = c.Has('X') || c.Has('Y') || c.Has('Z');
      if (!any || c.Has('X')) pos_[0] = 0;
      if (!any || c.Has('Y')) pos_[1] = 0;
      if (!any || c.Has('Z')) pos_[2] = 0;
      return 0;
    }
    case 90: absolute_ = absolute_e_ = true; return 0;
    case 91: absolute_ = absolute_e_ = false; return 0;
    case 92: {
      bool any = false;
      const char axes[3] = {'X', 'Y', 'Z'};
      for (int a = 0; a < 3; ++a) {
        if (c.Has(axes[a], &v)) pos_[a] = v * unit_, any = true;
      }
      if (c.Has('E', &v)) e_ = v * unit_, any = true;
      if (!any) pos_[0] = pos_[1] = pos_[2] = e_ = 0;
      return 0;
    }
    default: return 0;
  }
}

TimeEstimate::TimeEstimate(const std::vector<Command>& commands) {
  MotionModel m;
  durations_.reserve(commands.size());
  for (const Command& c : commands) durations_.push_back(m.Step(c));
  filament_mm_ = m.filament_mm();
  suffix_.assign(durations_.size() + 1, 0.0);
  for (size_t i = durations_.size(); i-- > 0;) suffix_[i] = suffix_[i + 1] + durations_[i];
}

}  // namespace bciin::gcode
