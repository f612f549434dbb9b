// bciin-sim-grbl: a GRBL 1.1 controller on a pseudo-terminal, for tests and benchmarks of the
// CNC driver. See --help.
#include "grbl_sim_machine.h"

#include <bciin/serial/pty.hpp>
#include <fmt/format.h>

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

namespace {

using namespace bciin;
using namespace bciin::grbl::sim;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr const char* kUsage = R"(usage: bciin-sim-grbl --port PATH [options]
A GRBL 1.1h controller on a pseudo-terminal; PATH becomes a symlink to its slave side.
  --time-scale X         blocks take their kinematic time times X (default 0.01)
  --block-us N           plus N microseconds per block (a fixed line rate for benchmarks)
  --rx-buffer N          receive buffer size (default 128)
  --homing               homing enabled ($22=1): starts alarm-locked, $H homes
  --alarm-at-line N[:C]  ALARM:C (default 1, a hard limit) when G-code line N starts moving
  --error-at-line N[:C]  answer G-code line N with error:C (default 20)
  --record FILE          append every executed line to FILE
  --stats FILE           JSON counters (max_rx_fill, overflow_bytes, lines...), kept current
)";

bool ParseFault(const char* v, uint64_t* line, int* code) {
  char* end = nullptr;
  *line = std::strtoull(v, &end, 10);
  if (end == v || *line == 0) return false;
  if (*end == ':') *code = std::atoi(end + 1);
  return *code > 0;
}

void WriteStats(const std::string& path, const GrblSimMachine& m) {
  if (path.empty()) return;
  const SimStats& s = m.stats();
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << fmt::format(
        "{{\"max_rx_fill\":{},\"overflow_bytes\":{},\"lines_received\":{},\"lines_executed\":{},"
        "\"resets\":{},\"status_reports\":{},\"exec_span_s\":{:.6f},\"starvations\":{},\"state\":\"{}\"}}\n",
        s.max_rx_fill, s.overflow_bytes, s.lines_received, s.lines_executed, s.resets, s.status_reports,
        s.exec_span_s, s.starvations, m.StateName());
  }
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  SimOptions options;
  std::string port, record_path, stats_path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--homing") {
      options.homing_enabled = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "bciin-sim-grbl: missing value after %s\n%s", a.c_str(), kUsage);
      return 2;
    }
    const char* v = argv[++i];
    bool ok = true;
    if (a == "--port") {
      port = v;
    } else if (a == "--time-scale") {
      options.time_scale = std::atof(v);
      ok = options.time_scale >= 0;
    } else if (a == "--block-us") {
      options.block_time = std::chrono::microseconds(std::atol(v));
    } else if (a == "--rx-buffer") {
      options.rx_buffer = static_cast<size_t>(std::atol(v));
      ok = options.rx_buffer >= 16;
    } else if (a == "--alarm-at-line") {
      ok = ParseFault(v, &options.alarm_at_line, &options.alarm_code);
    } else if (a == "--error-at-line") {
      ok = ParseFault(v, &options.error_at_line, &options.error_code);
    } else if (a == "--record") {
      record_path = v;
    } else if (a == "--stats") {
      stats_path = v;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "bciin-sim-grbl: bad option %s %s\n%s", a.c_str(), v, kUsage);
      return 2;
    }
  }
  if (port.empty()) {
    std::fprintf(stderr, "bciin-sim-grbl: --port is required\n%s", kUsage);
    return 2;
  }
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<serial::PseudoTerminal> pty;
  Status s = serial::PseudoTerminal::Create(port, &pty);
  if (!s.ok()) {
    std::fprintf(stderr, "bciin-sim-grbl: %s\n", s.ToString().c_str());
    return 1;
  }
  std::FILE* record = nullptr;
  if (!record_path.empty()) {
    record = std::fopen(record_path.c_str(), "w");
    if (!record) {
      std::fprintf(stderr, "bciin-sim-grbl: cannot write %s: %s\n", record_path.c_str(), std::strerror(errno));
      return 1;
    }
  }
  std::printf("bciin-sim-grbl: ready on %s (%s)\n", pty->port_path().c_str(), pty->slave_path().c_str());
  std::fflush(stdout);

  GrblSimMachine machine(options);
  bool connected = false;
  size_t recorded = 0;
  auto last_stats = Clock::now();
  std::string pending;  // output not yet accepted by the pty
  char buf[4096];
  while (!g_stop) {
    auto now = Clock::now();
    bool peer = pty->PeerConnected();
    if (peer && !connected) {
      machine.Connect(now);
      pending.clear();
    }
    connected = peer;
    if (!connected) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(machine.NextEvent() - now);
    int timeout = static_cast<int>(std::clamp<long>(wait.count(), 0, 5));
    pollfd p{pty->master_fd(), POLLIN, 0};
    int r = ::poll(&p, 1, pending.empty() ? timeout : 1);
    now = Clock::now();
    if (r > 0 && (p.revents & POLLIN)) {
      ssize_t n = ::read(pty->master_fd(), buf, sizeof(buf));
      if (n > 0) machine.Receive(std::string_view(buf, static_cast<size_t>(n)), now);
    }
    machine.Advance(now);
    pending += machine.TakeOutput();
    while (!pending.empty()) {
      ssize_t w = ::write(pty->master_fd(), pending.data(), pending.size());
      if (w <= 0) break;  // EAGAIN: the host is slow; a closed peer is noticed above
      pending.erase(0, static_cast<size_t>(w));
    }
    const auto& rec = machine.record();
    if (record && recorded < rec.size()) {
      for (; recorded < rec.size(); ++recorded) std::fprintf(record, "%s\n", rec[recorded].c_str());
      std::fflush(record);
    }
    if (now - last_stats > std::chrono::milliseconds(100)) {
      WriteStats(stats_path, machine);
      last_stats = now;
    }
  }
  WriteStats(stats_path, machine);
  if (record) std::fclose(record);
  return 0;
}
