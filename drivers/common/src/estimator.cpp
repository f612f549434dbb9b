#include <bciin/gcode/estimator.hpp>

#include <cmath>

namespace bciin::gcode {

namespace {

struct Machine {
  double pos[3] = {0, 0, 0};
  double e = 0;
  double feed = 6000;  // mm/min
  double unit = 1;     // 25.4 after G20
  bool absolute = true;
  bool absolute_e = true;
};

double ArcLength(const Command& c, const Machine& m, double x, double y) {
  const double x0 = m.pos[0], y0 = m.pos[1];
  double cx, cy, r;
  double i = 0, j = 0, rr = 0;
  if (c.Has('R', &rr)) {
    r = std::fabs(rr * m.unit);
    double chord = std::hypot(x - x0, y - y0);
    if (chord == 0 || r == 0) return 0;
    double half = std::min(1.0, chord / (2 * r));
    double angle = 2 * std::asin(half);
    if (rr < 0) angle = 2 * M_PI - angle;  // R < 0: the long way round
    return angle * r;
  }
  c.Has('I', &i);
  c.Has('J', &j);
  cx = x0 + i * m.unit;
  cy = y0 + j * m.unit;
  r = std::hypot(i * m.unit, j * m.unit);
  double a0 = std::atan2(y0 - cy, x0 - cx);
  double a1 = std::atan2(y - cy, x - cx);
  double sweep = c.code == 2 ? a0 - a1 : a1 - a0;  // G2 clockwise
  while (sweep <= 1e-9) sweep += 2 * M_PI;
  return sweep * r;
}

}  // namespace

TimeEstimate::TimeEstimate(const std::vector<Command>& commands) {
  Machine m;
  durations_.reserve(commands.size());
  for (const Command& c : commands) {
    double seconds = 0;
    double v = 0;
    if (c.letter == 'G') {
      switch (c.code) {
        case 0: case 1: case 2: case 3: {
          if (c.Has('F', &v) && v > 0) m.feed = v * m.unit;
          double target[3];
          const char axes[3] = {'X', 'Y', 'Z'};
          for (int a = 0; a < 3; ++a) {
            target[a] = m.pos[a];
            if (c.Has(axes[a], &v)) target[a] = m.absolute ? v * m.unit : m.pos[a] + v * m.unit;
          }
          double e = m.e;
          if (c.Has('E', &v)) e = m.absolute_e ? v * m.unit : m.e + v * m.unit;
          double dist;
          if (c.code >= 2) {
            double planar = ArcLength(c, m, target[0], target[1]);
            dist = std::hypot(planar, target[2] - m.pos[2]);
          } else {
            dist = std::sqrt((target[0] - m.pos[0]) * (target[0] - m.pos[0]) +
                             (target[1] - m.pos[1]) * (target[1] - m.pos[1]) +
                             (target[2] - m.pos[2]) * (target[2] - m.pos[2]));
          }
          double de = e - m.e;
          if (de > 0) filament_mm_ += de;
          double feed_mm_s = m.feed / 60.0;
          seconds = std::max(dist, std::fabs(de)) / feed_mm_s;
          for (int a = 0; a < 3; ++a) m.pos[a] = target[a];
          m.e = e;
          break;
        }
        case 4:
          if (c.Has('P', &v)) seconds = v / 1000.0;
          else if (c.Has('S', &v)) seconds = v;
          break;
        case 20: m.unit = 25.4; break;
        case 21: m.unit = 1; break;
        case 28: {
          bool any = c.Has('X') || c.Has('Y') || c.Has('Z');
          if (!any || c.Has('X')) m.pos[0] = 0;
          if (!any || c.Has('Y')) m.pos[1] = 0;
          if (!any || c.Has('Z')) m.pos[2] = 0;
          break;
        }
        case 90: m.absolute = true; m.absolute_e = true; break;
        case 91: m.absolute = false; m.absolute_e = false; break;
        case 92: {
          bool any = false;
          const char axes[3] = {'X', 'Y', 'Z'};
          for (int a = 0; a < 3; ++a) {
            if (c.Has(axes[a], &v)) m.pos[a] = v * m.unit, any = true;
          }
          if (c.Has('E', &v)) m.e = v * m.unit, any = true;
          if (!any) m.pos[0] = m.pos[1] = m.pos[2] = m.e = 0;
          break;
        }
        default: break;
      }
    } else if (c.letter == 'M') {
      if (c.code == 82) m.absolute_e = true;
      if (c.code == 83) m.absolute_e = false;
    }
    durations_.push_back(seconds);
  }
  suffix_.assign(durations_.size() + 1, 0.0);
  for (size_t i = durations_.size(); i-- > 0;) suffix_[i] = suffix_[i + 1] + durations_[i];
}

}  // namespace bciin::gcode
