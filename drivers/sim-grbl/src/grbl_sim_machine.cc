#include "grbl_sim_machine.h"

#include "grbl_block.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace bciin::grbl::sim {
namespace {

constexpr const char* kBanner = "Grbl 1.1h ['$' for help]";
constexpr const char* kUnlockHint = "[MSG:'$H'|'$X' to unlock]";

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Length of an arc in the XY plane from (x0,y0) to (x1,y1) around centre (cx,cy).
double ArcLength(double x0, double y0, double x1, double y1, double cx, double cy, bool ccw) {
  double r = std::hypot(x0 - cx, y0 - cy);
  double a0 = std::atan2(y0 - cy, x0 - cx);
  double a1 = std::atan2(y1 - cy, x1 - cx);
  double sweep = ccw ? a1 - a0 : a0 - a1;
  while (sweep <= 1e-9) sweep += 2 * M_PI;  // equal end points: a full circle
  return r * sweep;
}

}  // namespace

GrblSimMachine::GrblSimMachine(SimOptions options) : options_(options) {
  settings_ = {{0, "10"},      {1, "25"},      {2, "0"},       {3, "0"},       {4, "0"},
               {5, "0"},       {6, "0"},       {10, "1"},      {11, "0.010"},  {12, "0.002"},
               {13, "0"},      {20, "0"},      {21, "0"},      {22, options.homing_enabled ? "1" : "0"},
               {23, "0"},      {24, "25.000"}, {25, "500.000"}, {26, "250"},   {27, "1.000"},
               {30, "1000"},   {31, "0"},      {32, "0"},      {100, "250.000"}, {101, "250.000"},
               {102, "250.000"}, {110, "500.000"}, {111, "500.000"}, {112, "500.000"},
               {120, "10.000"}, {121, "10.000"}, {122, "10.000"}, {130, "200.000"},
               {131, "200.000"}, {132, "200.000"}};
}

void GrblSimMachine::Emit(std::string_view line) {
  out_.append(line);
  out_.append("\r\n");
}

std::string GrblSimMachine::TakeOutput() {
  std::string out;
  out.swap(out_);
  return out;
}

void GrblSimMachine::Banner() {
  out_.append("\r\n");
  Emit(kBanner);
  if (state_ == State::kAlarm) Emit(kUnlockHint);
}

void GrblSimMachine::Connect(Clock::time_point now) {
  rx_.clear();
  planner_.clear();
  critical_alarm_ = false;
  status_requested_ = false;
  std::copy(std::begin(machine_), std::end(machine_), pos_);
  state_ = settings_[22] == "1" ? State::kAlarm : State::kIdle;
  last_advance_ = now;
  Banner();
}

void GrblSimMachine::SoftReset(Clock::time_point now) {
  ++stats_.resets;
  bool moving = InMotion();
  rx_.clear();
  planner_.clear();
  status_requested_ = false;
  hold_complete_ = false;
  critical_alarm_ = false;
  std::copy(std::begin(machine_), std::end(machine_), pos_);
  motion_ = 0;
  absolute_ = true;
  unit_ = 1;
  ov_feed_ = ov_rapid_ = ov_spindle_ = 100;
  if (moving) {
    Emit("ALARM:3");
    state_ = State::kAlarm;
  } else if (state_ == State::kAlarm || settings_[22] == "1") {
    state_ = State::kAlarm;
  } else {
    state_ = State::kIdle;
  }
  last_advance_ = now;
  Banner();
}

void GrblSimMachine::Alarm(int code, bool critical) {
  planner_.clear();
  rx_.clear();
  std::copy(std::begin(machine_), std::end(machine_), pos_);
  state_ = State::kAlarm;
  critical_alarm_ = critical;
  Emit(fmt::format("ALARM:{}", code));
  if (critical) Emit("[MSG:Reset to continue]");
}

void GrblSimMachine::Realtime(uint8_t byte, Clock::time_point now) {
  switch (byte) {
    case 0x18:
      SoftReset(now);
      return;
    case '?':
      status_requested_ = true;
      return;
    case '!':
      if (state_ == State::kRun) {
        state_ = State::kHold;
        hold_complete_ = false;
        hold_done_at_ = now + options_.hold_decel;
      } else if (state_ == State::kIdle) {
        state_ = State::kHold;
        hold_complete_ = true;
      }
      return;
    case '~':
      if (state_ == State::kHold) {
        state_ = planner_.empty() ? State::kIdle : State::kRun;
        hold_complete_ = false;
      }
      return;
    default:
      break;
  }
  if (byte == 0x90) ov_feed_ = 100;
  if (byte == 0x91) ov_feed_ = std::min(200, ov_feed_ + 10);
  if (byte == 0x92) ov_feed_ = std::max(10, ov_feed_ - 10);
  if (byte == 0x93) ov_feed_ = std::min(200, ov_feed_ + 1);
  if (byte == 0x94) ov_feed_ = std::max(10, ov_feed_ - 1);
  if (byte == 0x95) ov_rapid_ = 100;
  if (byte == 0x96) ov_rapid_ = 50;
  if (byte == 0x97) ov_rapid_ = 25;
  if (byte == 0x99) ov_spindle_ = 100;
}

void GrblSimMachine::Receive(std::string_view bytes, Clock::time_point now) {
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    if (b == '?' || b == '!' || b == '~' || b == 0x18 || b >= 0x80) {
      if (critical_alarm_ && b != 0x18) continue;  // only a reset is heard
      Realtime(b, now);
      continue;
    }
    if (critical_alarm_) continue;
    if (rx_.size() >= options_.rx_buffer) {
      ++stats_.overflow_bytes;
      continue;
    }
    rx_.push_back(c);
    stats_.max_rx_fill = std::max(stats_.max_rx_fill, rx_.size());
  }
  Advance(now);
}

void GrblSimMachine::Advance(Clock::time_point now) {
  if (state_ == State::kHome && now >= home_done_at_) {
    std::fill(std::begin(machine_), std::end(machine_), 0.0);
    std::fill(std::begin(pos_), std::end(pos_), 0.0);
    state_ = State::kIdle;
    Emit("ok");
  }
  if (state_ == State::kHold && !hold_complete_ && now >= hold_done_at_) hold_complete_ = true;
  RunPlanner(now);
  ProcessLines(now);
  if (status_requested_ && !critical_alarm_ && state_ != State::kHome) {
    status_requested_ = false;
    StatusReport();
  }
  last_advance_ = now;
}

void GrblSimMachine::RunPlanner(Clock::time_point now) {
  double budget = Seconds(now - last_advance_);
  const double total = budget;
  if (state_ == State::kHold && !hold_complete_) budget = std::min(budget, Seconds(hold_done_at_ - last_advance_));
  if (state_ == State::kIdle && !planner_.empty()) state_ = State::kRun;  // cycle auto-start
  while (state_ == State::kRun || (state_ == State::kHold && !hold_complete_)) {
    if (planner_.empty()) {
      if (state_ == State::kRun) {
        state_ = State::kIdle;
        ++stats_.starvations;
      }
      break;
    }
    Block& b = planner_.front();
    if (b.done_s == 0 && options_.alarm_at_line != 0 && b.line_index == options_.alarm_at_line) {
      Alarm(options_.alarm_code, options_.alarm_code == 1 || options_.alarm_code == 2);
      return;
    }
    if (!block_started_) {
      block_started_ = true;
      first_block_start_ = last_advance_ + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(total - budget));
    }
    double left = b.duration_s - b.done_s;
    if (left > budget) {
      b.done_s += budget;
      double f = b.duration_s > 0 ? b.done_s / b.duration_s : 1;
      for (int i = 0; i < 3; ++i) machine_[i] = b.from[i] + (b.to[i] - b.from[i]) * f;
      break;
    }
    budget -= left;
    stats_.exec_span_s = Seconds(last_advance_ - first_block_start_) + (total - budget);
    std::copy(std::begin(b.to), std::end(b.to), machine_);
    record_.push_back(std::move(b.line));
    ++stats_.lines_executed;
    planner_.pop_front();
  }
}

Clock::time_point GrblSimMachine::NextEvent() const {
  if (state_ == State::kHome) return home_done_at_;
  if (state_ == State::kHold && !hold_complete_) return hold_done_at_;
  if ((state_ == State::kRun || state_ == State::kIdle) && !planner_.empty()) {
    const Block& b = planner_.front();
    return last_advance_ + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(std::max(0.0, b.duration_s - b.done_s)));
  }
  return Clock::time_point::max();
}

void GrblSimMachine::ProcessLines(Clock::time_point now) {
  while (!critical_alarm_ && state_ != State::kHome) {
    size_t nl = rx_.find('\n');
    if (nl == std::string::npos) return;
    std::string line = rx_.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool system = !line.empty() && line[0] == '$';
    if (!system && planner_.size() >= options_.planner_blocks) return;  // wait for room
    rx_.erase(0, nl + 1);
    if (system) {
      HandleSystem(line, now);
    } else {
      HandleGcode(line, now);
    }
  }
}

void GrblSimMachine::HandleSystem(const std::string& line, Clock::time_point now) {
  std::string cmd = FilterLine(line);
  bool idle = state_ == State::kIdle || state_ == State::kAlarm;
  if (cmd == "$") {
    Emit("[HLP:$$ $# $G $I $N $x=val $Nx=line $J=line $SLP $C $X $H ~ ! ? ctrl-x]");
    Emit("ok");
  } else if (cmd == "$$") {
    if (!idle) return Emit("error:8");
    for (const auto& [n, v] : settings_) Emit(fmt::format("${}={}", n, v));
    Emit("ok");
  } else if (cmd == "$I") {
    Emit("[VER:1.1h.20190830:]");
    Emit(fmt::format("[OPT:V,{},{}]", options_.planner_blocks, options_.rx_buffer));
    Emit("ok");
  } else if (cmd == "$G") {
    Emit(fmt::format("[GC:G{} G54 G17 {} {} G94 M5 M9 T0 F{} S0]", motion_, unit_ == 1 ? "G21" : "G20",
                     absolute_ ? "G90" : "G91", feed_));
    Emit("ok");
  } else if (cmd == "$#") {
    for (const char* w : {"G54", "G55", "G56", "G57", "G58", "G59", "G28", "G30", "G92"})
      Emit(fmt::format("[{}:0.000,0.000,0.000]", w));
    Emit("[TLO:0.000]");
    Emit("[PRB:0.000,0.000,0.000:0]");
    Emit("ok");
  } else if (cmd == "$X") {
    if (state_ == State::kAlarm) {
      state_ = State::kIdle;
      Emit("[MSG:Caution: Unlocked]");
    }
    Emit("ok");
  } else if (cmd == "$H") {
    if (settings_[22] != "1") return Emit("error:5");
    if (!idle) return Emit("error:8");
    state_ = State::kHome;
    home_done_at_ = now + options_.homing_time;  // "ok" when done
  } else if (cmd.size() > 1 && std::isdigit(static_cast<unsigned char>(cmd[1]))) {
    size_t eq = cmd.find('=');
    if (eq == std::string::npos) return Emit("error:3");
    int n = std::atoi(cmd.substr(1, eq - 1).c_str());
    if (!settings_.count(n)) return Emit("error:3");
    if (!idle) return Emit("error:8");
    std::string v = cmd.substr(eq + 1);
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0') return Emit("error:2");
    if (d < 0) return Emit("error:4");
    settings_[n] = v;
    Emit("ok");
  } else {
    Emit("error:3");
  }
}

void GrblSimMachine::HandleGcode(const std::string& raw, Clock::time_point /*now*/) {
  std::string line = FilterLine(raw);
  if (line.empty()) return Emit("ok");
  ++stats_.lines_received;
  uint64_t index = stats_.lines_received;
  if (line.size() > kMaxFilteredLine) return Emit("error:11");
  std::vector<BlockWord> words;
  int err = ParseBlock(line, &words);
  if (err != 0) return Emit(fmt::format("error:{}", err));
  if (state_ == State::kAlarm) return Emit("error:9");
  if (options_.error_at_line != 0 && index == options_.error_at_line)
    return Emit(fmt::format("error:{}", options_.error_code));

  double target[3];
  std::copy(std::begin(pos_), std::end(pos_), target);
  bool axis = false, has_ij = false, has_r = false;
  double i_off = 0, j_off = 0, r = 0, dwell = 0;
  int motion = motion_;
  bool absolute = absolute_;
  double unit = unit_, feed = feed_;
  bool dwell_word = false;
  for (const BlockWord& w : words) {
    if (w.letter == 'G') {
      int g = static_cast<int>(std::lround(w.value * 10));
      if (g == 0 || g == 10 || g == 20 || g == 30) motion = g / 10;
      if (g == 40) dwell_word = true;
      if (g == 900) absolute = true;
      if (g == 910) absolute = false;
      if (g == 200) unit = 25.4;
      if (g == 210) unit = 1;
    }
  }
  for (const BlockWord& w : words) {
    switch (w.letter) {
      case 'X': case 'Y': case 'Z': {
        int a = w.letter - 'X';
        target[a] = absolute ? w.value * unit : pos_[a] + w.value * unit;
        axis = true;
        break;
      }
      case 'F': feed = w.value * unit; break;
      case 'I': i_off = w.value * unit; has_ij = true; break;
      case 'J': j_off = w.value * unit; has_ij = true; break;
      case 'R': r = w.value * unit; has_r = true; break;
      case 'P': dwell = w.value; break;
      default: break;
    }
  }
  double length = 0, rate = 0;
  if (axis && !dwell_word) {
    if (motion == 1 || motion == 2 || motion == 3) {
      if (feed <= 0) return Emit("error:22");
      rate = feed;
    } else {
      rate = std::strtod(settings_[110].c_str(), nullptr);
    }
    if (motion == 2 || motion == 3) {
      if (!has_ij && !has_r) return Emit("error:26");
      double cx = pos_[0] + i_off, cy = pos_[1] + j_off;
      if (has_r) {  // centre from the radius (the shorter arc for R > 0)
        double dx = target[0] - pos_[0], dy = target[1] - pos_[1];
        double d = std::hypot(dx, dy);
        if (d == 0 || std::fabs(r) < d / 2) return Emit("error:33");
        double h = std::sqrt(r * r - d * d / 4) * ((motion == 3) == (r > 0) ? 1 : -1);
        cx = pos_[0] + dx / 2 - h * dy / d;
        cy = pos_[1] + dy / 2 + h * dx / d;
      }
      double arc = ArcLength(pos_[0], pos_[1], target[0], target[1], cx, cy, motion == 3);
      length = std::hypot(arc, target[2] - pos_[2]);
    } else {
      length = std::sqrt(std::pow(target[0] - pos_[0], 2) + std::pow(target[1] - pos_[1], 2) +
                         std::pow(target[2] - pos_[2], 2));
    }
  }
  double kinematic = rate > 0 ? length / rate * 60.0 : 0;
  if (dwell_word) kinematic = dwell;
  Block b;
  b.line = raw;
  b.line_index = index;
  b.duration_s = kinematic * options_.time_scale + std::chrono::duration<double>(options_.block_time).count();
  std::copy(std::begin(pos_), std::end(pos_), b.from);
  std::copy(std::begin(target), std::end(target), b.to);
  b.feed = rate;
  planner_.push_back(std::move(b));
  std::copy(std::begin(target), std::end(target), pos_);
  motion_ = motion;
  absolute_ = absolute;
  unit_ = unit;
  feed_ = feed;
  Emit("ok");
}

std::string GrblSimMachine::StateName() const {
  switch (state_) {
    case State::kIdle: return "Idle";
    case State::kRun: return "Run";
    case State::kHold: return hold_complete_ ? "Hold:0" : "Hold:1";
    case State::kAlarm: return "Alarm";
    case State::kHome: return "Home";
    case State::kCheck: return "Check";
  }
  return "Idle";
}

void GrblSimMachine::StatusReport() {
  ++stats_.status_reports;
  double feed = (state_ == State::kRun && !planner_.empty()) ? planner_.front().feed : 0;
  std::string s = fmt::format("<{}|MPos:{:.3f},{:.3f},{:.3f}|Bf:{},{}|FS:{:.0f},0", StateName(), machine_[0],
                              machine_[1], machine_[2], options_.planner_blocks - planner_.size(),
                              options_.rx_buffer - rx_.size(), feed);
  if (report_count_ % 10 == 0) s += "|WCO:0.000,0.000,0.000";
  if (report_count_ % 10 == 1) s += fmt::format("|Ov:{},{},{}", ov_feed_, ov_rapid_, ov_spindle_);
  ++report_count_;
  s += ">";
  Emit(s);
}

}  // namespace bciin::grbl::sim
