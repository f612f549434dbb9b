// bciin-sim-modbus: a Modbus RTU slave (or several on one bus) on a pseudo-terminal, for tests
// and benchmarks of the sensor driver. See --help.
#include "curve.h"
#include "modbus_slave.h"
#include "rtu_frame.h"
#include "sim_control.h"

#include <bciin/serial/pty.hpp>
#include <fmt/format.h>

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace bciin;
using namespace bciin::modbus;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr const char* kUsage = R"(usage: bciin-sim-modbus --port PATH [options]
A Modbus RTU slave on a pseudo-terminal; PATH becomes a symlink to its slave side.
  --slave ID                 start the definition of slave ID (1..247); repeatable
  --input REG=CURVE          an input register (FC04) of the current slave
  --holding REG=CURVE        a holding register (FC03/06/16) of the current slave
                             CURVE: const:V | drift:START:PER_S[:MAX] |
                                    spikes:BASE:PEAK:PERIOD_S[:WIDTH_S] | sine:MID:AMP:PERIOD_S
  --time-scale X             curve time runs X times faster than the wall clock (default 1)
  --control FILE             control file, re-read when it changes (silent, delay_ms N,
                             exception N, corrupt, set input|holding REG VALUE [SLAVE])
  --stats FILE               JSON counters, rewritten as they change
Without --slave: slave 1, input 1 = drift:235:1 (temperature x10), input 2 =
spikes:412:1500:10:1 (vibration x100), holding 257 = const:1.
)";

struct Options {
  std::string port;
  double time_scale = 1;
  std::string control;
  std::string stats;
  std::vector<std::unique_ptr<ModbusSlave>> slaves;
};

bool ParseRegister(const std::string& arg, Table table, ModbusSlave* slave, std::string* error) {
  size_t eq = arg.find('=');
  if (eq == std::string::npos) {
    *error = "expected REG=CURVE: " + arg;
    return false;
  }
  unsigned long reg = 0;
  try {
    reg = std::stoul(arg.substr(0, eq), nullptr, 0);
  } catch (...) {
    reg = 0x10000;
  }
  if (reg > 0xFFFF) {
    *error = "bad register number: " + arg;
    return false;
  }
  ModbusSlave::Source source;
  Status s = ParseCurve(arg.substr(eq + 1), &source);
  if (!s.ok()) {
    *error = s.ToString();
    return false;
  }
  slave->Define(table, static_cast<uint16_t>(reg), std::move(source));
  return true;
}

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (!(v = value())) {
      *error = "missing value after " + a;
      return false;
    }
    if (a == "--port") {
      o->port = v;
    } else if (a == "--time-scale") {
      o->time_scale = std::atof(v);
      if (o->time_scale <= 0) {
        *error = "--time-scale must be > 0";
        return false;
      }
    } else if (a == "--control") {
      o->control = v;
    } else if (a == "--stats") {
      o->stats = v;
    } else if (a == "--slave") {
      int id = std::atoi(v);
      if (id < 1 || id > 247) {
        *error = "--slave must be 1..247";
        return false;
      }
      o->slaves.push_back(std::make_unique<ModbusSlave>(static_cast<uint8_t>(id)));
    } else if (a == "--input" || a == "--holding") {
      if (o->slaves.empty()) o->slaves.push_back(std::make_unique<ModbusSlave>(1));
      if (!ParseRegister(v, a == "--input" ? Table::kInput : Table::kHolding, o->slaves.back().get(),
                         error))
        return false;
    } else {
      *error = "unknown option " + a;
      return false;
    }
  }
  if (o->port.empty()) {
    *error = "--port is required";
    return false;
  }
  if (o->slaves.empty()) {
    auto s = std::make_unique<ModbusSlave>(1);
    ModbusSlave::Source src;
    (void)ParseCurve("drift:235:1", &src);
    s->Define(Table::kInput, 1, src);
    (void)ParseCurve("spikes:412:1500:10:1", &src);
    s->Define(Table::kInput, 2, src);
    (void)ParseCurve("const:1", &src);
    s->Define(Table::kHolding, 257, src);
    o->slaves.push_back(std::move(s));
  }
  return true;
}

struct Counters {
  uint64_t requests = 0, replies = 0, exceptions = 0, silenced = 0, ignored = 0;
};

void WriteStats(const std::string& path, const Counters& c, const FramerStats& f) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << fmt::format(
        "{{\"requests\":{},\"replies\":{},\"exceptions\":{},\"silenced\":{},\"ignored\":{},"
        "\"crc_errors\":{},\"stale_drops\":{}}}\n",
        c.requests, c.replies, c.exceptions, c.silenced, c.ignored, f.crc_errors, f.stale_drops);
  }
  std::rename(tmp.c_str(), path.c_str());
}

// Re-reads the control file when its modification time or size changes.
class ControlWatcher {
 public:
  explicit ControlWatcher(std::string path) : path_(std::move(path)) {}
  // True when the control changed; `*control` then holds the new state.
  bool Poll(SimControl* control) {
    if (path_.empty()) return false;
    struct stat st{};
    if (::stat(path_.c_str(), &st) != 0) {
      if (!present_) return false;
      present_ = false;
      *control = SimControl();
      return true;
    }
    if (present_ && st.st_mtim.tv_sec == mtime_.tv_sec && st.st_mtim.tv_nsec == mtime_.tv_nsec &&
        st.st_size == size_)
      return false;
    present_ = true;
    mtime_ = st.st_mtim;
    size_ = st.st_size;
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    SimControl next;
    Status s = ParseSimControl(text.str(), &next);
    if (!s.ok()) {
      std::fprintf(stderr, "bciin-sim-modbus: %s\n", s.ToString().c_str());
      return false;
    }
    *control = std::move(next);
    return true;
  }

 private:
  std::string path_;
  bool present_ = false;
  timespec mtime_{};
  off_t size_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!ParseArgs(argc, argv, &o, &error)) {
    std::fprintf(stderr, "bciin-sim-modbus: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<serial::PseudoTerminal> pty;
  Status s = serial::PseudoTerminal::Create(o.port, &pty);
  if (!s.ok()) {
    std::fprintf(stderr, "bciin-sim-modbus: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("bciin-sim-modbus: ready on %s (%s), %zu slave(s)\n", pty->port_path().c_str(),
              pty->slave_path().c_str(), o.slaves.size());
  std::fflush(stdout);

  const auto start = Clock::now();
  auto sim_time = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count() * o.time_scale;
  };
  RequestFramer framer;
  Counters counters;
  SimControl control;
  ControlWatcher watcher(o.control);
  bool stats_dirty = true;
  auto last_stats = Clock::now() - std::chrono::seconds(1);

  auto apply_control = [&] {
    for (auto& slave : o.slaves) {
      slave->ClearOverrides();
      slave->ForceException(control.exception);
      for (const SimControl::Pin& p : control.pins)
        if (p.slave < 0 || p.slave == slave->address())
          slave->Override(p.holding ? Table::kHolding : Table::kInput, p.reg, p.value);
    }
  };

  std::vector<uint8_t> frame;
  uint8_t buf[512];
  while (!g_stop) {
    if (watcher.Poll(&control)) apply_control();
    auto now = Clock::now();
    if (stats_dirty && now - last_stats > std::chrono::milliseconds(50)) {
      WriteStats(o.stats, counters, framer.stats());
      stats_dirty = false;
      last_stats = now;
    }
    if (!pty->PeerConnected()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    pollfd p{pty->master_fd(), POLLIN, 0};
    int r = ::poll(&p, 1, framer.buffered() ? 2 : 20);
    if (r > 0 && (p.revents & POLLIN)) {
      ssize_t n = ::read(pty->master_fd(), buf, sizeof(buf));
      if (n > 0) framer.Feed(std::span<const uint8_t>(buf, static_cast<size_t>(n)), Clock::now());
    } else if (r > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // hang-up: wait for a peer
    }
    while (framer.Next(Clock::now(), &frame)) {
      if (watcher.Poll(&control)) apply_control();  // a test may end a delay mid-queue
      ++counters.requests;
      stats_dirty = true;
      if (control.silent) {
        ++counters.silenced;
        continue;
      }
      std::optional<std::vector<uint8_t>> reply;
      for (auto& slave : o.slaves) {
        reply = slave->Handle(frame, sim_time());
        if (reply) break;
      }
      if (!reply) {
        ++counters.ignored;
        continue;
      }
      if ((*reply)[1] & 0x80) ++counters.exceptions;
      if (control.corrupt) reply->back() ^= 0x5A;
      if (control.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(control.delay_ms));
      size_t off = 0;
      while (off < reply->size()) {
        ssize_t w = ::write(pty->master_fd(), reply->data() + off, reply->size() - off);
        if (w > 0) {
          off += static_cast<size_t>(w);
        } else if (w < 0 && errno == EAGAIN) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        } else {
          break;  // the peer went away
        }
      }
      ++counters.replies;
    }
    if (pty->PeerConnected() == false) framer = RequestFramer();
  }
  WriteStats(o.stats, counters, framer.stats());
  return 0;
}
