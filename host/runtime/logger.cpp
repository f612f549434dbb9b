#include "logger.hpp"

#include <fmt/chrono.h>

#include <chrono>
#include <cstdio>

namespace bciin::host {

bool Logger::SetLevel(std::string_view level) {
  static constexpr std::string_view names[] = {"trace", "debug", "info", "warn", "error"};
  for (int i = 0; i < 5; ++i) {
    if (names[i] == level) {
      level_ = static_cast<bciin_log_level>(i);
      return true;
    }
  }
  return false;
}

void Logger::Write(bciin_log_level level, std::string_view source, std::string_view message) {
  if (!Enabled(level)) return;
  static constexpr const char* names[] = {"trace", "debug", "info ", "warn ", "error"};
  int index = level < BCIIN_LOG_TRACE || level > BCIIN_LOG_ERROR ? BCIIN_LOG_ERROR : level;
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::string line = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z {} [{}] {}\n",
                                 fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms, names[index],
                                 source, message);
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace bciin::host
