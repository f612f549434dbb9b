// The host's log: one line per message, "time level [source] message", through fmt, to stderr.
// Thread-safe. Messages below the configured level are dropped before formatting.
#pragma once

#include <bciin/abi.h>

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace bciin::host {

class Logger {
 public:
  // Parses "trace".."error"; unknown text leaves the level unchanged and returns false.
  bool SetLevel(std::string_view level);
  void SetLevel(bciin_log_level level) { level_ = level; }
  bool Enabled(bciin_log_level level) const { return level >= level_.load(); }

  void Write(bciin_log_level level, std::string_view source, std::string_view message);

  template <typename... Args>
  void Log(bciin_log_level level, fmt::format_string<Args...> format, Args&&... args) {
    if (Enabled(level)) Write(level, "node", fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void Info(fmt::format_string<Args...> f, Args&&... a) { Log(BCIIN_LOG_INFO, f, std::forward<Args>(a)...); }
  template <typename... Args>
  void Warn(fmt::format_string<Args...> f, Args&&... a) { Log(BCIIN_LOG_WARN, f, std::forward<Args>(a)...); }
  template <typename... Args>
  void Error(fmt::format_string<Args...> f, Args&&... a) { Log(BCIIN_LOG_ERROR, f, std::forward<Args>(a)...); }
  template <typename... Args>
  void Debug(fmt::format_string<Args...> f, Args&&... a) { Log(BCIIN_LOG_DEBUG, f, std::forward<Args>(a)...); }

 private:
  std::atomic<bciin_log_level> level_{BCIIN_LOG_INFO};
  std::mutex mu_;
};

}  // namespace bciin::host
