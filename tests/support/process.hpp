// Test support: start a real program, read what it prints, signal it, wait for it. Used by the
// end-to-end tests that drive bciin-node, the simulators and bciin-cli as an operator would.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bciin::testing {

// The build tree ($BCIIN_BUILD_DIR), its programs (bin/) and the shared inputs
// ($BCIIN_SHARED_DATA_DIR). Abort the test with a clear message when a variable is unset.
std::filesystem::path BuildDir();
std::filesystem::path Program(const std::string& name);
std::filesystem::path SharedData();

// A fresh directory under $TMPDIR, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (creating parent directories).
void WriteFile(const std::filesystem::path& path, const std::string& text);
std::string ReadFile(const std::filesystem::path& path);

// A child process whose stdout and stderr go (merged) to a file, readable while it runs.
class Process {
 public:
  // Starts `program` with `args`; `env` entries ("K=V") are added to the environment.
  Process(const std::filesystem::path& program, const std::vector<std::string>& args,
          const std::vector<std::string>& env = {});
  ~Process();  // kills the process if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Everything printed so far.
  std::string Output() const;
  // Waits until the output contains `text`; false on timeout or if the process exited first.
  bool WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  void Signal(int sig);
  // Waits for exit; returns the exit code, 128+signal if killed, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);
  bool Running();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::filesystem::path output_;
};

// Runs a program to completion (at most `timeout`) and returns {exit code, output}.
struct RunResult {
  int exit_code;
  std::string output;
};
RunResult RunProgram(const std::filesystem::path& program, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// Polls `done` every `poll` until it holds (true) or `timeout` passes (then one last look).
bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout,
               std::chrono::milliseconds poll = std::chrono::milliseconds(10));

}  // namespace bciin::testing
