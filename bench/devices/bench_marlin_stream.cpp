// Lines per second the printer-marlin driver streams to bciin-sim-marlin, as a ratio of the
// simulator's own command rate with no host at all (bciin-sim-marlin --benchmark: the same
// program through the same queue and planner, without a serial line). Goal: >= 95 %.
//
//   bciin-bench-devices [--smoke] [--time-scale S] [--file F]
//
// Both runs use the same time scale, so the planner, not the host, should be what limits the
// rate; the ratio shows how much of the machine's speed the host's ping-pong costs.
#include "marlin_device.hpp"

#include <bciin/gcode/program.hpp>

#include <fmt/format.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t Spawn(const std::vector<std::string>& args, const fs::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

double SimOwnRate(const fs::path& sim, const fs::path& program, double scale, const fs::path& tmp) {
  fs::path out = tmp / "sim-bench.txt";
  pid_t pid = Spawn({sim.string(), "--benchmark", program.string(), "--time-scale", fmt::format("{}", scale)}, out);
  int status = 0;
  waitpid(pid, &status, 0);
  std::string text = ReadAll(out);
  size_t at = text.find("lines_per_second=");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + 17));
}

}  // namespace

int main(int argc, char** argv) {
  bool smoke = false;
  double scale = 0.005;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--smoke") smoke = true;
    else if (a == "--time-scale" && i + 1 < argc) scale = std::stod(argv[++i]);
    else if (a == "--file" && i + 1 < argc) file = argv[++i];
  }
  const char* build = std::getenv("BCIIN_BUILD_DIR");
  const char* data = std::getenv("BCIIN_SHARED_DATA_DIR");
  fs::path bin = build ? fs::path(build) / "bin" : fs::path(argv[0]).parent_path();
  if (file.empty()) {
    file = (data ? fs::path(data) : fs::path(BCIIN_DEFAULT_SHARED_DATA_DIR)) / "gcode" / "prusaslicer-cube-with-hole.gcode";
  }
  fs::path tmp = fs::temp_directory_path() / fmt::format("bciin-bench-devices-{}", getpid());
  fs::create_directories(tmp);

  std::string text = ReadAll(file);
  if (text.empty()) {
    fmt::print(stderr, "cannot read {}\n", file);
    return 1;
  }
  bciin::gcode::Program program = bciin::gcode::ParseProgram(text);
  if (!program.ok()) {
    fmt::print(stderr, "{}: {}\n", file, program.Summary());
    return 1;
  }
  size_t limit = smoke ? std::min<size_t>(program.commands.size(), 3000) : program.commands.size();
  std::string body;
  for (size_t i = 0; i < limit; ++i) body += program.commands[i].text + "\n";
  fs::path prog = tmp / "program.gcode";
  std::ofstream(prog) << body;

  const double own = SimOwnRate(bin / "bciin-sim-marlin", prog, scale, tmp);

  std::string port = (tmp / "tty").string();
  pid_t sim = Spawn({(bin / "bciin-sim-marlin").string(), "--port", port, "--time-scale", fmt::format("{}", scale)},
                    tmp / "sim.txt");
  for (int i = 0; i < 200 && !fs::exists(port); ++i) std::this_thread::sleep_for(10ms);

  bciin::sdk::DeviceConfig config;
  config.name = "bench";
  config.port = port;
  config.options = {{"timeout_ms", "5000"}, {"reconnect_interval_ms", "100"}};
  double host_rate = 0;
  {
    bciin::marlin::MarlinDevice device(config, bciin::sdk::DeviceEvents(), nullptr);
    for (int i = 0; i < 1000 && device.GetStatus().state != BCIIN_DEVICE_IDLE; ++i) std::this_thread::sleep_for(10ms);
    bciin::sdk::JobSpec job;
    job.name = "bench";
    job.program = body;
    uint64_t id = 0;
    auto start = std::chrono::steady_clock::now();
    auto s = device.SubmitJob(job, &id);
    if (!s.ok()) {
      fmt::print(stderr, "submit: {}\n", s.ToString());
      kill(sim, SIGTERM);
      return 1;
    }
    while (device.GetProgress().state == BCIIN_JOB_RUNNING) std::this_thread::sleep_for(1ms);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    host_rate = limit / seconds;
  }
  kill(sim, SIGTERM);
  waitpid(sim, nullptr, 0);
  fs::remove_all(tmp);

  const double ratio = own > 0 ? host_rate / own : 0;
  fmt::print("devices/marlin-stream lines={} time_scale={} sim_own_lines_per_s={:.0f} host_lines_per_s={:.0f} "
             "ratio={:.3f} goal=0.95 {}\n",
             limit, scale, own, host_rate, ratio, ratio >= 0.95 ? "MET" : "NOT MET");
  return 0;
}
