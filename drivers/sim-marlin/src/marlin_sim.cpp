#include "marlin_sim.hpp"

#include <bciin/gcode/program.hpp>
#include <bciin/serial/line_reader.hpp>

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace bciin::sim {

namespace {

constexpr double kAmbient = 21.3;
constexpr double kHotendRate = 4.0;  // degrees per simulated second while heating
constexpr double kBedRate = 2.0;
constexpr double kCoolTau = 60.0;    // seconds, first-order cooling
constexpr double kHomingSeconds = 2.0;

std::string Trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r");
  size_t b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// The command word of a payload ("M112" of "M112 ; x"), upper-case.
std::string CommandWord(const std::string& payload) {
  size_t i = 0;
  std::string w;
  while (i < payload.size() && (i == 0 ? std::isalpha(static_cast<unsigned char>(payload[i]))
                                       : std::isdigit(static_cast<unsigned char>(payload[i])))) {
    w.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(payload[i]))));
    ++i;
  }
  return w;
}

// Strips "N<n> " and "*<cs>" to find the command of a raw line, for the emergency parser.
std::string RawPayload(const std::string& line) {
  std::string s = Trim(line);
  if (!s.empty() && s[0] == 'N') {
    size_t i = 1;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    s = s.substr(i);
  }
  size_t star = s.find('*');
  if (star != std::string::npos) s = s.substr(0, star);
  return Trim(s);
}

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MarlinSim::MarlinSim(SimOptions options) : options_(std::move(options)), rng_(options_.seed) {
  if (!options_.record.empty()) record_ = std::fopen(options_.record.c_str(), "w");
  last_thermal_ = Clock::now();
}

MarlinSim::~MarlinSim() {
  if (record_) std::fclose(record_);
}

MarlinSim::Clock::duration MarlinSim::Scaled(double sim_seconds) const {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(sim_seconds * options_.time_scale));
}

MarlinSim::Clock::duration MarlinSim::ScaledAtLeast(double sim_seconds, int min_ms) const {
  return std::max<Clock::duration>(Scaled(sim_seconds), std::chrono::milliseconds(min_ms));
}

void MarlinSim::Record(const std::string& line) {
  if (record_) {
    std::fputs(line.c_str(), record_);
    std::fputc('\n', record_);
  }
}

void MarlinSim::Send(const std::string& line) {
  if (!pty_ || !connected_ || silent_) return;
  serial::WriteAll(pty_->master_fd(), line + "\n", std::chrono::milliseconds(200));
}

std::string MarlinSim::TemperatureLine() const {
  return fmt::format("T:{:.2f} /{:.2f} B:{:.2f} /{:.2f} @:{} B@:{}", hotend_, hotend_target_, bed_,
                     bed_target_, hotend_target_ > hotend_ ? 127 : 0, bed_target_ > bed_ ? 127 : 0);
}

std::string MarlinSim::OkLine() const {
  if (!options_.advanced_ok) return "ok";
  size_t free_planner = options_.planner_size - std::min(planner_.size(), options_.planner_size);
  size_t free_queue = options_.bufsize - std::min(queue_.size(), options_.bufsize);
  return fmt::format("ok N{} P{} B{}", last_n_, free_planner, free_queue);
}

Status MarlinSim::Run() {
  Status s = serial::PseudoTerminal::Create(options_.port, &pty_);
  if (!s.ok()) return s;
  Loop();
  if (record_) std::fflush(record_);
  pty_.reset();
  return Status::Ok();
}

void MarlinSim::OnConnect() {
  Record("# connect");
  if (!booted_ || halted_) {
    BoardReset();
    booted_ = true;
  }
}

void MarlinSim::BoardReset() {
  Record("# reset");
  halted_ = false;
  silent_ = false;
  last_n_ = 0;
  queue_.clear();
  rx_.clear();
  current_.reset();
  planner_.clear();
  hotend_target_ = bed_target_ = 0;
  autoreport_s_ = 0;
  motion_ = gcode::MotionModel();
  Send("start");
  Send("echo:Marlin 2.1.3 (bciin simulator)");
  Send("echo: Last Updated: 2024-08-01 | Author: (bciin)");
  Send("echo:Free Memory: 4096  PlannerBufferBytes: 1232");
}

void MarlinSim::Disconnect() {
  Record("# disconnect");
  if (record_) std::fflush(record_);
  disconnected_once_ = true;
  pty_.reset();
  connected_ = false;
  rx_.clear();
  queue_.clear();
  reconnect_at_ = Clock::now() + std::chrono::milliseconds(options_.reconnect_delay_ms);
}

void MarlinSim::Halt(const std::string& reason) {
  Record(fmt::format("# halt {} {}", MonotonicNs(), reason));
  if (record_) std::fflush(record_);
  Send("Error:Printer halted. kill() called!");
  halted_ = true;
  queue_.clear();
  rx_.clear();
  current_.reset();
  planner_.clear();
  hotend_target_ = bed_target_ = 0;
  autoreport_s_ = 0;
}

bool MarlinSim::HandleEmergency(const std::string& line) {
  if (!options_.emergency_parser) return false;
  std::string word = CommandWord(RawPayload(line));
  if (word == "M112") {
    Halt("M112");
    return true;
  }
  if (word == "M108" && current_ && current_->wait == Current::Wait::kHeat) {
    current_->wait = Current::Wait::kNone;  // the wait ends; the command then finishes
  }
  if (word == "M410") planner_.clear();
  return false;
}

void MarlinSim::ReadInput() {
  if (!pty_) return;
  char buf[512];
  // Like the firmware's RX ring buffer: stop taking bytes while the command queue is full;
  // the rest waits in the kernel and the host's writes block.
  while (queue_.size() < options_.bufsize) {
    size_t nl;
    while ((nl = rx_.find('\n')) != std::string::npos && queue_.size() < options_.bufsize) {
      std::string line = rx_.substr(0, nl);
      rx_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > 95) line.resize(95);  // MAX_CMD_SIZE 96: longer lines are truncated
      if (halted_ || silent_) continue;
      if (HandleEmergency(line)) return;
      queue_.push_back(std::move(line));
      stats_.max_queued = std::max<uint64_t>(stats_.max_queued, queue_.size());
    }
    if (queue_.size() >= options_.bufsize) break;
    ssize_t n = ::read(pty_->master_fd(), buf, sizeof(buf));
    if (n <= 0) break;
    rx_.append(buf, static_cast<size_t>(n));
  }
}

void MarlinSim::RequestResend(const std::string& error) {
  ++stats_.resends;
  Send(fmt::format("Error:{}, Last Line: {}", error, last_n_));
  Send(fmt::format("Resend: {}", last_n_ + 1));
  Send(OkLine());
  // FlushSerialRequestResend: everything received after the bad line is dropped.
  queue_.clear();
  rx_.clear();
  if (pty_) {
    char buf[512];
    while (::read(pty_->master_fd(), buf, sizeof(buf)) > 0) {
    }
  }
}

bool MarlinSim::CheckLine(const std::string& raw, std::string* payload, bool* numbered) {
  std::string line = Trim(raw);
  *numbered = false;
  if (line.size() < 2 || line[0] != 'N' || !std::isdigit(static_cast<unsigned char>(line[1]))) {
    size_t semi = line.find(';');
    *payload = Trim(line.substr(0, semi));
    return true;
  }
  *numbered = true;
  size_t i = 1;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  int64_t n = std::stoll(line.substr(1, i - 1));
  size_t star = line.rfind('*');
  if (star == std::string::npos) {
    RequestResend("No Checksum with line number");
    return false;
  }
  uint8_t cs = 0;
  for (size_t k = 0; k < star; ++k) cs ^= static_cast<uint8_t>(line[k]);
  std::string given = line.substr(star + 1);
  bool match = !given.empty() && given.size() <= 3 &&
               std::all_of(given.begin(), given.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
               std::stoi(given) == cs;
  if (match && options_.noise > 0 && uniform_(rng_) < options_.noise) {
    ++stats_.noise_hits;
    match = false;
  }
  std::string body = Trim(line.substr(i, star - i));
  if (CommandWord(body) == "M110") {
    if (!match) {
      RequestResend("checksum mismatch");
      return false;
    }
    // "N<n> M110 N<m>": the last N on the line becomes the last line number.
    size_t np = body.find('N');
    last_n_ = np == std::string::npos ? n : std::stoll("0" + body.substr(np + 1));
    *payload = body;
    return true;
  }
  if (n != last_n_ + 1) {
    RequestResend("Line Number is not Last Line Number+1");
    return false;
  }
  if (!match) {
    RequestResend("checksum mismatch");
    return false;
  }
  last_n_ = n;
  *payload = body;
  return true;
}

void MarlinSim::Finish(const Current& c, const std::string& reply_before_ok) {
  ++stats_.commands;
  Record(c.payload);
  if (!reply_before_ok.empty()) Send(reply_before_ok);
  std::string word = CommandWord(c.payload);
  if (options_.drop_ok > 0 && uniform_(rng_) < options_.drop_ok) {
    ++stats_.dropped_oks;
  } else if (word == "M105") {
    Send(OkLine() + " " + TemperatureLine());
  } else {
    Send(OkLine());
  }
  if (c.numbered) AfterNumberedLine();
}

void MarlinSim::AfterNumberedLine() {
  ++stats_.lines;
  uint64_t n = stats_.lines;
  if (options_.fatal_after && n == options_.fatal_after) {
    Send("Error:Thermal Runaway, system stopped! Heater_ID: bed");
    Halt("thermal runaway");
    return;
  }
  if (options_.silence_after && n == options_.silence_after) {
    Record("# silence");
    silent_ = true;
    return;
  }
  if (options_.reset_after && n == options_.reset_after && !reset_once_) {
    reset_once_ = true;
    BoardReset();
    return;
  }
}

bool MarlinSim::Execute(Current* c) {
  const auto now = Clock::now();
  if (!c->parsed) {
    c->parsed = true;
    gcode::ParseOptions any;
    any.allow_any_code = true;
    any.max_payload = 1000;
    gcode::Program p = gcode::ParseProgram(c->payload, any);
    if (!p.ok() || p.commands.size() != 1) {
      Finish(*c, fmt::format("echo:Unknown command: \"{}\"", c->payload));
      return true;
    }
    c->cmd = std::move(p.commands[0]);
  }
  const gcode::Command& cmd = c->cmd;
  double v = 0;
  auto start_wait = [&](Current::Wait w, Clock::time_point until = {}) {
    c->wait = w;
    c->until = until;
    c->started = true;
    next_busy_ = now + ScaledAtLeast(keepalive_s_, 100);
    c->next_report = now;
  };

  if (cmd.letter == 'G') {
    switch (cmd.code) {
      case 0: case 1: case 2: case 3: {
        if (planner_.size() >= options_.planner_size) return false;
        double d = motion_.Step(cmd);
        stats_.motion_seconds += d;
        auto begin = std::max(now, planner_busy_until_);
        planner_busy_until_ = begin + Scaled(d);
        planner_.push_back(planner_busy_until_);
        Finish(*c);
        return true;
      }
      case 4: case 28: {
        if (!c->started) start_wait(Current::Wait::kPlannerEmpty);
        if (c->wait == Current::Wait::kPlannerEmpty) {
          if (!planner_.empty()) return false;
          double d = cmd.code == 28 ? kHomingSeconds : motion_.Step(cmd);
          c->wait = Current::Wait::kDwell;
          c->until = now + Scaled(d);
        }
        if (now < c->until) return false;
        if (cmd.code == 28) motion_.Step(cmd);
        Finish(*c);
        return true;
      }
      default:
        motion_.Step(cmd);
        Finish(*c);
        return true;
    }
  }
  if (cmd.letter == 'T') {
    Finish(*c);
    return true;
  }
  switch (cmd.code) {
    case 104:
      if (cmd.Has('S', &v)) hotend_target_ = v;
      Finish(*c);
      return true;
    case 140:
      if (cmd.Has('S', &v)) bed_target_ = v;
      Finish(*c);
      return true;
    case 109: case 190: {
      double* temp = cmd.code == 109 ? &hotend_ : &bed_;
      double* target = cmd.code == 109 ? &hotend_target_ : &bed_target_;
      bool both_ways = cmd.Has('R', &v);
      if (!c->started) {
        if (both_ways || cmd.Has('S', &v)) *target = v;
        start_wait(Current::Wait::kHeat);
      }
      if (c->wait == Current::Wait::kHeat) {
        bool reached = both_ways ? std::fabs(*temp - *target) < 1.0 : *temp >= *target - 1.0;
        if (!reached) {
          if (now >= c->next_report) {
            Send(TemperatureLine() + " W:?");
            c->next_report = now + ScaledAtLeast(1.0, 20);
          }
          return false;
        }
      }
      Finish(*c);
      return true;
    }
    case 105:
      Finish(*c);
      return true;
    case 155:
      autoreport_s_ = cmd.Has('S', &v) ? v : 0;
      next_autoreport_ = now + ScaledAtLeast(autoreport_s_, 100);
      Finish(*c);
      return true;
    case 113:
      if (cmd.Has('S', &v)) keepalive_s_ = std::max(1.0, v);
      Finish(*c);
      return true;
    case 114:
      Finish(*c, fmt::format("X:{:.2f} Y:{:.2f} Z:{:.2f} E:{:.2f} Count X:0 Y:0 Z:0", motion_.x(),
                             motion_.y(), motion_.z(), motion_.e()));
      return true;
    case 115: {
      Send("FIRMWARE_NAME:Marlin 2.1.3 (bciin simulator) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin "
           "PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer (simulated) KINEMATICS:Cartesian "
           "EXTRUDER_COUNT:1 UUID:cede2a2f-41a2-4748-9b12-c55c62f367ff");
      Send("Cap:SERIAL_XON_XOFF:0");
      Send("Cap:EEPROM:0");
      Send(fmt::format("Cap:AUTOREPORT_TEMP:{}", options_.autoreport_temp ? 1 : 0));
      Send("Cap:BUSY_PROTOCOL:1");
      Send(fmt::format("Cap:EMERGENCY_PARSER:{}", options_.emergency_parser ? 1 : 0));
      Send("Cap:THERMAL_PROTECTION:1");
      Send("Cap:ARCS:1");
      Send("Cap:SDCARD:0");
      Finish(*c);
      return true;
    }
    case 400:
      if (!planner_.empty()) {
        if (!c->started) start_wait(Current::Wait::kPlannerEmpty);
        return false;
      }
      Finish(*c);
      return true;
    case 112:
      Halt("M112 (queued)");
      return true;
    case 410:
      planner_.clear();
      Finish(*c);
      return true;
    case 82: case 83:
      motion_.Step(cmd);
      Finish(*c);
      return true;
    case 106: case 107: case 108: case 110: case 999: case 84: case 73: case 117: case 201:
    case 203: case 204: case 205: case 21: case 20:
      Finish(*c);
      return true;
    default:
      Finish(*c, fmt::format("echo:Unknown command: \"{}\"", c->payload));
      return true;
  }
}

void MarlinSim::ProcessQueue() {
  for (;;) {
    if (halted_ || silent_) return;
    if (!current_) {
      if (queue_.empty()) return;
      std::string line = std::move(queue_.front());
      queue_.pop_front();
      // The cable is pulled while the next numbered line is on its way: that line is lost,
      // and every line before it was executed and acknowledged.
      if (options_.disconnect_after && stats_.lines == options_.disconnect_after && !disconnected_once_ &&
          !line.empty() && line[0] == 'N') {
        Disconnect();
        return;
      }
      Current c;
      if (!CheckLine(line, &c.payload, &c.numbered)) continue;
      if (c.payload.empty()) continue;
      current_ = std::move(c);
    }
    if (!Execute(&*current_)) return;
    current_.reset();
    if (!pty_) return;
    ReadInput();  // room freed in the queue
  }
}

void MarlinSim::AdvanceTime() {
  const auto now = Clock::now();
  while (!planner_.empty() && planner_.front() <= now) planner_.pop_front();
  double dt = std::chrono::duration<double>(now - last_thermal_).count();
  last_thermal_ = now;
  double sim_dt = options_.time_scale > 0 ? dt / options_.time_scale : 1e9;
  auto step = [&](double* t, double target, double rate) {
    if (target > *t) {
      *t = std::min(target, *t + rate * sim_dt);
    } else {
      double floor = std::max(target, kAmbient);
      if (*t > floor) *t = floor + (*t - floor) * std::exp(-sim_dt / kCoolTau);
    }
  };
  step(&hotend_, hotend_target_, kHotendRate);
  step(&bed_, bed_target_, kBedRate);
  if (halted_ || silent_) return;
  if (autoreport_s_ > 0 && now >= next_autoreport_) {
    Send(" " + TemperatureLine());
    next_autoreport_ = now + ScaledAtLeast(autoreport_s_, 100);
  }
  if (current_ && current_->started && current_->wait != Current::Wait::kNone && now >= next_busy_) {
    Send("echo:busy: processing");
    next_busy_ = now + ScaledAtLeast(keepalive_s_, 100);
  }
}

MarlinSim::Clock::time_point MarlinSim::NextWake(Clock::time_point now) const {
  auto wake = now + std::chrono::milliseconds(20);
  if (current_) {
    if (!planner_.empty()) wake = std::min(wake, planner_.front());
    if (current_->wait == Current::Wait::kDwell) wake = std::min(wake, current_->until);
    if (current_->wait == Current::Wait::kHeat) wake = std::min(wake, now + std::chrono::milliseconds(2));
  }
  if (autoreport_s_ > 0) wake = std::min(wake, next_autoreport_);
  return std::max(wake, now);
}

void MarlinSim::Loop() {
  while (!stop_.load()) {
    auto now = Clock::now();
    if (!pty_) {
      AdvanceTime();
      if (now >= reconnect_at_) {
        Status s = serial::PseudoTerminal::Create(options_.port, &pty_);
        if (!s.ok()) fmt::print(stderr, "sim: {}\n", s.ToString());
        Record("# port-back");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    bool peer = pty_->PeerConnected();
    if (peer && !connected_) {
      connected_ = true;
      OnConnect();
    } else if (!peer && connected_) {
      connected_ = false;
      Record("# host-closed");
      rx_.clear();
      queue_.clear();
    }
    if (connected_) ReadInput();
    AdvanceTime();
    if (connected_) ProcessQueue();
    if (!pty_) continue;
    now = Clock::now();
    auto wake = NextWake(now);
    int timeout_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
    if (record_) std::fflush(record_);
    if (!connected_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    pollfd p{pty_->master_fd(), static_cast<short>(queue_.size() < options_.bufsize ? POLLIN : 0), 0};
    ::poll(&p, 1, timeout_ms);
  }
}

Status MarlinSim::RunDirect(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    Current c;
    c.payload = line;
    for (;;) {
      AdvanceTime();
      if (Execute(&c)) break;
      auto now = Clock::now();
      auto wake = now + std::chrono::milliseconds(1);
      if (!planner_.empty()) wake = std::min(wake, planner_.front());
      if (c.wait == Current::Wait::kDwell) wake = std::min(wake, c.until);
      std::this_thread::sleep_until(wake);
    }
  }
  // Like a host's job, the run ends with the last command accepted, not with the last move.
  return Status::Ok();
}

Status MarlinSim::Benchmark(const SimOptions& options, const std::string& program, uint64_t* commands,
                            double* seconds) {
  gcode::Program p = gcode::ParseProgram(program);
  if (!p.ok()) return Status::InvalidArgument(p.Summary());
  std::vector<std::string> lines;
  for (const auto& c : p.commands) lines.push_back(c.text);
  SimOptions o = options;
  o.record.clear();
  MarlinSim sim(o);
  auto start = Clock::now();
  Status s = sim.RunDirect(lines);
  *seconds = std::chrono::duration<double>(Clock::now() - start).count();
  *commands = lines.size();
  return s;
}

}  // namespace bciin::sim
