// WorkerProcess: one bciin-device-worker child and the framed JSON conversation with it.
//
// Start() spawns the worker on one end of a socketpair; a reader thread matches replies to
// calls and hands events to a callback. Call() waits for its reply up to a timeout; a worker
// that dies fails every pending call at once. Kill() ends it with SIGKILL.
#pragma once

#include <bciin/sdk/status.hpp>

#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace bciin::devices {

class WorkerProcess {
 public:
  using EventFn = std::function<void(const nlohmann::json& event)>;

  WorkerProcess() = default;
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Spawns `worker` for driver library `plugin`. `on_event` runs on the reader thread.
  Status Start(const std::filesystem::path& worker, const std::filesystem::path& plugin,
               const std::string& data_dir, EventFn on_event);

  // Sends {"op": op, ...args} and waits for the reply's result.
  Status Call(const std::string& op, const nlohmann::json& args, std::chrono::milliseconds timeout,
              nlohmann::json* result = nullptr);

  // True until the worker's socket closed (it exited, crashed or was killed).
  bool alive() const { return alive_.load(); }
  pid_t pid() const { return pid_; }
  // Why the worker ended ("exited with 0", "killed by signal 11"), once it did.
  std::string exit_reason();

  // Asks the worker to close the device and exit; kills it after `grace`.
  void Stop(std::chrono::milliseconds grace);
  // Kills the worker now.
  void Kill();

 private:
  void ReadLoop();
  void Reap(bool block);

  pid_t pid_ = -1;
  int fd_ = -1;
  std::atomic<bool> alive_{false};
  EventFn on_event_;
  std::thread reader_;

  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, nlohmann::json> replies_;
  std::mutex write_mu_;
  bool reaped_ = false;
  std::string exit_reason_;
};

}  // namespace bciin::devices
