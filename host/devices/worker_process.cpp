#include "worker_process.hpp"

#include "frame.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern char** environ;

namespace bciin::devices {

using nlohmann::json;

WorkerProcess::~WorkerProcess() {
  Kill();
  if (reader_.joinable()) reader_.join();
  if (fd_ >= 0) ::close(fd_);
}

Status WorkerProcess::Start(const std::filesystem::path& worker, const std::filesystem::path& plugin,
                            const std::string& data_dir, EventFn on_event) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return Status::IoError(fmt::format("socketpair: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 3);  // dup2 clears close-on-exec
  std::vector<std::string> args = {worker.string(), "--plugin", plugin.string(), "--fd", "3", "--data-dir", data_dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, worker.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return Status::IoError(fmt::format("spawn {}: {}", worker.string(), std::strerror(rc)));
  }
  pid_ = pid;
  fd_ = sv[0];
  on_event_ = std::move(on_event);
  alive_.store(true);
  reader_ = std::thread([this] { ReadLoop(); });
  return Status::Ok();
}

void WorkerProcess::ReadLoop() {
  FrameReader reader(fd_);
  std::string frame;
  for (;;) {
    Status s = reader.Read(&frame, std::chrono::milliseconds(200));
    if (s.is(BCIIN_ERR_TIMEOUT)) continue;
    if (!s.ok()) break;
    json msg;
    try {
      msg = json::parse(frame);
    } catch (const std::exception&) {
      continue;
    }
    if (msg.contains("event")) {
      try {
        if (on_event_) on_event_(msg);
      } catch (const std::exception&) {
        // A malformed event must not end the conversation.
      }
      continue;
    }
    if (!msg.contains("id") || !msg["id"].is_number_unsigned()) continue;
    const uint64_t id = msg["id"].get<uint64_t>();
    std::lock_guard<std::mutex> lock(mu_);
    replies_[id] = std::move(msg);
    cv_.notify_all();
  }
  alive_.store(false);
  Reap(true);
  std::lock_guard<std::mutex> lock(mu_);
  cv_.notify_all();
}

void WorkerProcess::Reap(bool block) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reaped_ || pid_ <= 0) return;
  }
  // Not under mu_: a worker that closed its socket but lingers must not block Kill().
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return;
  std::lock_guard<std::mutex> lock(mu_);
  reaped_ = true;
  if (WIFEXITED(status)) exit_reason_ = fmt::format("exited with {}", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) exit_reason_ = fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
}

std::string WorkerProcess::exit_reason() {
  std::lock_guard<std::mutex> lock(mu_);
  return exit_reason_;
}

Status WorkerProcess::Call(const std::string& op, const json& args, std::chrono::milliseconds timeout, json* result) {
  if (!alive_.load()) return Status::IoError("the driver process is not running");
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
  }
  json req = args.is_object() ? args : json::object();
  req["id"] = id;
  req["op"] = op;
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    BCIIN_RETURN_IF_ERROR(WriteFrame(fd_, req.dump(), timeout).WithContext("to the driver process"));
  }
  std::unique_lock<std::mutex> lock(mu_);
  bool got = cv_.wait_for(lock, timeout, [&] { return replies_.count(id) > 0 || !alive_.load(); });
  if (!replies_.count(id)) {
    if (!got) return Status::Timeout(fmt::format("the driver did not answer '{}' within {} ms", op, timeout.count()));
    return Status::IoError(fmt::format("the driver process ended during '{}'", op));
  }
  json reply = std::move(replies_[id]);
  replies_.erase(id);
  if (reply.value("ok", false)) {
    if (result) *result = reply.value("result", json::object());
    return Status::Ok();
  }
  return Status(static_cast<bciin_status_code>(reply.value("code", static_cast<int>(BCIIN_ERR_INTERNAL))),
                reply.value("message", std::string("driver error")));
}

void WorkerProcess::Stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  if (alive_.load()) {
    Call("close", json::object(), grace);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (alive_.load() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  Kill();
}

void WorkerProcess::Kill() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pid_ > 0 && !reaped_) ::kill(pid_, SIGKILL);
  }
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  if (reader_.joinable() && std::this_thread::get_id() != reader_.get_id()) reader_.join();
}

}  // namespace bciin::devices
