// bciin-bench-devices-cnc: figures for the CNC and sensor drivers (docs/performance.md,
// "CNC and sensors").
//
//  GRBL: bciin-sim-grbl runs every block in a fixed time (--block-us), so its own rate is
//  1e6 / block_us lines per second when its planner never starves. The driver streams a job of
//  short moves; the ratio is the rate the simulator executed at (lines / span from the first
//  block's start to the last block's end) over its own rate (goal >= 95 %). Also: the fill of
//  GRBL's 128-byte RX buffer the driver kept after each top-up, and the maximum.
//
//  Modbus: bciin-sim-modbus on a pty, the sensor device polling back to back (two channels in one
//  FC04 request); polls per second, and the latency of one libmodbus read (p50, p99).
//
//  --smoke runs everything small, for CI.
#include "grbl_device.h"
#include "modbus_link.h"
#include "sensor_device.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

fs::path BinDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  buf[n] = '\0';
  return fs::path(buf).parent_path();
}

// A simulator child process, terminated (SIGTERM, then waited for) on destruction.
class Child {
 public:
  Child(const fs::path& program, std::vector<std::string> args) {
    args.insert(args.begin(), program.string());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      int null = ::open("/dev/null", O_WRONLY);
      dup2(null, 1);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~Child() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_ = -1;
};

bool WaitForPath(const fs::path& p, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (fs::exists(p)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

template <typename Fn>
bool WaitFor(Fn done, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return done();
}

nlohmann::json ReadJson(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str(), nullptr, false);
}

struct GrblFigures {
  int block_us = 0;
  size_t lines = 0;
  double sim_rate = 0;       // lines/s the simulator can do
  double achieved = 0;       // lines/s it did
  double ratio = 0;
  double end_to_end_s = 0;   // submit to "completed" (includes the final status poll)
  double mean_fill = 0;
  size_t max_fill = 0;
  size_t sim_max_rx = 0;
  uint64_t overflow = 0;
};

bool BenchGrbl(const fs::path& dir, int block_us, size_t lines, GrblFigures* out) {
  fs::path port = dir / "ttyGRBL", stats = dir / "grbl-stats.json";
  fs::remove(stats);
  Child sim(BinDir() / "bciin-sim-grbl", {"--port", port.string(), "--time-scale", "0", "--block-us",
                                          std::to_string(block_us), "--stats", stats.string()});
  if (!WaitForPath(port, 10s)) return false;
  bciin::sdk::DeviceConfig config;
  config.name = "bench-cnc";
  config.port = port.string();
  bciin::grbl::GrblDevice device(config, bciin::sdk::DeviceEvents(), nullptr);
  if (!WaitFor([&] { return device.GetStatus().state == BCIIN_DEVICE_IDLE; }, 10s)) return false;
  std::string program;
  for (size_t i = 0; i < lines; ++i)
    program += fmt::format("G1 X{:.3f} Y{:.3f} F1000\n", static_cast<double>(i % 100), static_cast<double>(i % 37));
  bciin::sdk::JobSpec job;
  job.program = program;
  uint64_t id = 0;
  auto start = Clock::now();
  if (!device.SubmitJob(job, &id).ok()) return false;
  if (!WaitFor([&] { return device.GetProgress().state == BCIIN_JOB_COMPLETED; }, 600s)) return false;
  out->end_to_end_s = std::chrono::duration<double>(Clock::now() - start).count();
  auto snap = device.Snapshot();
  std::this_thread::sleep_for(150ms);  // the simulator rewrites its stats every 100 ms
  auto s = ReadJson(stats);
  if (!s.is_object()) return false;
  out->block_us = block_us;
  out->lines = lines;
  out->sim_rate = 1e6 / block_us;
  double span = s["exec_span_s"].get<double>();
  out->achieved = span > 0 ? s["lines_executed"].get<double>() / span : 0;
  out->ratio = out->achieved / out->sim_rate;
  out->mean_fill = snap.fill_samples ? static_cast<double>(snap.fill_sum) / snap.fill_samples : 0;
  out->max_fill = snap.max_buffer_fill;
  out->sim_max_rx = s["max_rx_fill"].get<size_t>();
  out->overflow = s["overflow_bytes"].get<uint64_t>();
  return s["lines_executed"].get<size_t>() == lines;
}

struct ModbusFigures {
  double polls_per_s = 0;
  double p50_ms = 0, p99_ms = 0, mean_ms = 0;
  size_t reads = 0;
  uint64_t polls = 0;        // device cycles (one request each)
  uint64_t sim_replies = 0;  // what the simulator answered: polls + reads when nothing was lost
};

bool BenchModbus(const fs::path& dir, std::chrono::milliseconds duration, size_t reads, ModbusFigures* out) {
  fs::path port = dir / "ttyMODBUS", stats = dir / "modbus-stats.json";
  Child sim(BinDir() / "bciin-sim-modbus", {"--port", port.string(), "--stats", stats.string()});
  if (!WaitForPath(port, 10s)) return false;
  {
    // Polls per second of the device, back to back.
    bciin::sdk::DeviceConfig config;
    config.name = "bench-sensor";
    config.port = port.string();
    config.options = {{"channel.temperature", "slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel"},
                      {"channel.vibration", "slave=1 fc=4 reg=2 scale=0.01 unit=mm/s"},
                      {"poll_interval_ms", "0"}};
    bciin::modbus::ModbusSensorDevice device(config, bciin::sdk::DeviceEvents(), nullptr);
    if (!WaitFor([&] { return device.Cycles() > 5; }, 10s)) return false;
    uint64_t c0 = device.Cycles();
    auto t0 = Clock::now();
    std::this_thread::sleep_for(duration);
    uint64_t c1 = device.Cycles();
    out->polls_per_s = static_cast<double>(c1 - c0) / std::chrono::duration<double>(Clock::now() - t0).count();
    out->polls = device.Cycles();
  }
  // Latency of single reads through libmodbus.
  bciin::modbus::LinkSettings settings;
  settings.port = port.string();
  auto link = bciin::modbus::NewLibModbusLink(settings);
  if (!link->Connect().ok()) return false;
  std::vector<double> ms;
  uint16_t regs[2];
  for (size_t i = 0; i < reads; ++i) {
    auto t = Clock::now();
    if (!link->Read(1, 4, 1, 2, regs).ok()) return false;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  std::sort(ms.begin(), ms.end());
  out->reads = ms.size();
  out->p50_ms = ms[ms.size() / 2];
  out->p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  double sum = 0;
  for (double m : ms) sum += m;
  out->mean_ms = sum / static_cast<double>(ms.size());
  link->Close();
  std::this_thread::sleep_for(150ms);  // the simulator rewrites its stats within 50 ms
  auto s = ReadJson(stats);
  if (!s.is_object()) return false;
  out->sim_replies = s["replies"].get<uint64_t>();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  if (argc > 1 && !smoke) {
    std::fprintf(stderr, "usage: bciin-bench-devices-cnc [--smoke]\n");
    return 2;
  }
  char tmpl[] = "/tmp/bciin-bench-cnc-XXXXXX";
  if (!mkdtemp(tmpl)) return 1;
  fs::path dir(tmpl);
  int rc = 0;

  std::printf("## GRBL streaming (bciin-sim-grbl, fixed block time, 128-byte RX, 15-block planner)\n");
  std::printf("| block time | sim rate (lines/s) | lines | achieved (lines/s) | ratio | fill kept (mean / max of 123) | sim max RX | overflow | submit->completed |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::vector<std::pair<int, size_t>> grbl_runs =
      smoke ? std::vector<std::pair<int, size_t>>{{2000, 200}}
            : std::vector<std::pair<int, size_t>>{{4000, 1500}, {1000, 5000}, {500, 8000}, {250, 10000}};
  for (auto [block_us, lines] : grbl_runs) {
    GrblFigures f;
    if (!BenchGrbl(dir, block_us, lines, &f)) {
      std::printf("| %d us | GRBL run failed |\n", block_us);
      rc = 1;
      continue;
    }
    std::printf("| %d us | %.0f | %zu | %.0f | %.1f %% | %.0f / %zu B | %zu B | %lu | %.2f s |\n", block_us, f.sim_rate,
                f.lines, f.achieved, 100 * f.ratio, f.mean_fill, f.max_fill, f.sim_max_rx,
                static_cast<unsigned long>(f.overflow), f.end_to_end_s);
    if (f.overflow != 0 || f.sim_max_rx > 128) rc = 1;
  }

  std::printf("\n## Modbus RTU (bciin-sim-modbus on a pty, libmodbus, FC04 x 2 registers)\n");
  ModbusFigures m;
  if (!BenchModbus(dir, smoke ? 300ms : 3000ms, smoke ? 50 : 2000, &m)) {
    std::printf("Modbus run failed\n");
    rc = 1;
  } else {
    std::printf("| polls/s per device (back to back) | read latency p50 | p99 | mean | reads | simulator replies / requests made |\n|---|---|---|---|---|---|\n");
    std::printf("| %.0f | %.3f ms | %.3f ms | %.3f ms | %zu | %lu / %lu |\n", m.polls_per_s, m.p50_ms, m.p99_ms, m.mean_ms,
                m.reads, static_cast<unsigned long>(m.sim_replies), static_cast<unsigned long>(m.polls + m.reads));
    // The wire limit of a real line: request 8 + reply 9 bytes, 11 bits each at 19200 8E1, plus
    // two 3.5-character gaps (1.75 ms each above 19200 baud per the serial-line guide).
    double wire_ms = 17 * 11 / 19.2 + 2 * 1.75;
    std::printf("(a real 19200 8E1 line: about %.1f ms per poll, %.0f polls/s at most)\n", wire_ms, 1000 / wire_ms);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return rc;
}
