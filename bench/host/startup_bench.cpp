// bciin-bench-startup: time from process start to the node's "started" line, for the default
// plugin set and for fifty generated plugins. Each run starts a real bciin-node, waits for
// "started:" on its log, then stops it with SIGTERM. Prints the median and the best of N runs
// against the goal (100 ms on a 2-core machine).
//
//   bciin-bench-startup [--runs N] [--smoke] [--node PATH] [--default-plugin-dir DIR]
//                       [--generated-plugin-dir DIR]
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Starts the node, returns milliseconds until "started:" appears on its stderr, or -1.
double TimeOneStart(const fs::path& node, const std::vector<std::string>& args) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  std::vector<std::string> store{node.string()};
  store.insert(store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], STDERR_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    close(pipefd[0]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string seen;
  double ms = -1;
  char buf[4096];
  while (true) {
    ssize_t n = read(pipefd[0], buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
    if (seen.find("] started:") != std::string::npos) {
      ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      break;
    }
  }
  kill(pid, SIGTERM);
  // Drain so the node never blocks on a full pipe while it stops.
  while (read(pipefd[0], buf, sizeof buf) > 0) {
  }
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (ms < 0) fmt::print(stderr, "node did not start:\n{}\n", seen);
  return ms;
}

struct Figure {
  double median, best;
};

Figure Measure(const fs::path& node, const std::vector<std::string>& args, int runs) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    double ms = TimeOneStart(node, args);
    if (ms < 0) return {-1, -1};
    times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], times.front()};
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  fs::path self_dir = boost::dll::program_location().parent_path().string();
  int runs = 15;
  std::string node, default_dir, generated_dir;
  po::options_description desc("bciin-bench-startup options");
  desc.add_options()("help", "this help")("smoke", "two runs each, for CI")(
      "runs", po::value<int>(&runs), "runs per configuration (default 15)")(
      "node", po::value<std::string>(&node)->default_value((self_dir / "bciin-node").string()), "bciin-node to start")(
      "default-plugin-dir", po::value<std::string>(&default_dir)->default_value((self_dir.parent_path() / "lib/bciin/plugins").string()),
      "where the default plugin set is installed")(
      "generated-plugin-dir", po::value<std::string>(&generated_dir)->default_value((self_dir.parent_path() / "bench-plugins").string()),
      "where the fifty generated plugins are");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "bciin-bench-startup: {}\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc;
    return 0;
  }
  if (vm.count("smoke")) runs = 2;

  fs::path data = fs::temp_directory_path() / ("bciin-bench-startup-" + std::to_string(getpid()));
  std::vector<std::string> generated{"--plugin-dir", generated_dir, "--data-dir", (data / "gen").string()};
  for (int i = 1; i <= 50; ++i) generated.push_back(fmt::format("--plugin=bench-gen-{:02d}", i));
  std::vector<std::string> defaults{"--plugin-dir", default_dir, "--data-dir", (data / "default").string()};

  fmt::print("start-up time of bciin-node ({} runs each; goal < 100 ms)\n", runs);
  int failures = 0;
  for (auto& [name, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"default plugin set", defaults}, {"50 generated plugins", generated}}) {
    Figure f = Measure(node, args, runs);
    if (f.median < 0) {
      fmt::print("{:<22} FAILED to start\n", name);
      ++failures;
      continue;
    }
    fmt::print("{:<22} median {:7.1f} ms   best {:7.1f} ms   ratio to goal {:.2f}\n", name, f.median, f.best,
               f.median / 100.0);
  }
  std::error_code ec;
  fs::remove_all(data, ec);
  return failures == 0 ? 0 : 1;
}
