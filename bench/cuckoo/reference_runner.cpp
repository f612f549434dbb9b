#include "reference_runner.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <vector>

namespace bciin::bench {

std::optional<ReferenceRun> run_reference(const std::string& path_pattern, unsigned edge_bits, unsigned threads,
                                          unsigned nonce, unsigned graphs, bool show_solutions,
                                          std::string* error) {
  std::string path = path_pattern;
  if (auto at = path.find("{}"); at != std::string::npos) path.replace(at, 2, std::to_string(edge_bits));
  if (access(path.c_str(), X_OK) != 0) {
    *error = fmt::format("{} is not an executable file", path);
    return std::nullopt;
  }
  std::vector<std::string> args = {path, "-n", std::to_string(nonce), "-r", std::to_string(graphs), "-t",
                                   std::to_string(threads)};
  if (show_solutions) args.push_back("-s");
  int pipefd[2];
  if (pipe(pipefd) != 0) {
    *error = "pipe failed";
    return std::nullopt;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  ReferenceRun run;
  run.max_rss_kib = usage.ru_maxrss;
  std::istringstream lines(out);
  std::string line;
  double total_ms = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("Time:", 0) == 0) {
      total_ms += std::strtod(line.c_str() + 5, nullptr);
      ++run.graphs;
    } else if (line.rfind("Solution", 0) == 0) {
      ++run.solutions;
    }
  }
  if (run.graphs == 0) {
    *error = fmt::format("{} printed no 'Time:' line (exit status {})", path, status);
    return std::nullopt;
  }
  run.seconds_per_graph = total_ms / 1e3 / run.graphs;
  return run;
}

}  // namespace bciin::bench
