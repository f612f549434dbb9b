#include "grbl_reply.h"

#include <charconv>
#include <system_error>

namespace bciin::grbl {
namespace {

bool ParseCode(std::string_view text, int* out) {
  if (text.empty() || text.size() > 4) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && *out >= 0;
}

Reply Unknown(std::string_view line) {
  Reply r;
  r.kind = Reply::Kind::kUnknown;
  r.text = std::string(line);
  return r;
}

}  // namespace

Reply ParseReply(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  while (!line.empty() && (line.front() == '\r' || line.front() == '\n')) line.remove_prefix(1);
  Reply r;
  if (line.empty()) {
    r.kind = Reply::Kind::kEmpty;
    return r;
  }
  if (line == "ok") {
    r.kind = Reply::Kind::kOk;
    return r;
  }
  if (line.starts_with("error:")) {
    if (!ParseCode(line.substr(6), &r.code)) return Unknown(line);
    r.kind = Reply::Kind::kError;
    return r;
  }
  if (line.starts_with("ALARM:")) {
    if (!ParseCode(line.substr(6), &r.code)) return Unknown(line);
    r.kind = Reply::Kind::kAlarm;
    return r;
  }
  if (line.front() == '<') {
    auto status = ParseStatusReport(line);
    if (!status) return Unknown(line);
    r.kind = Reply::Kind::kStatus;
    r.status = std::move(*status);
    return r;
  }
  if (line.starts_with("Grbl ")) {
    std::string_view rest = line.substr(5);
    r.kind = Reply::Kind::kBanner;
    r.text = std::string(rest.substr(0, rest.find(' ')));
    return r;
  }
  if (line.front() == '[') {
    if (line.back() != ']') return Unknown(line);
    std::string_view inner = line.substr(1, line.size() - 2);
    if (inner.starts_with("MSG:")) {
      r.kind = Reply::Kind::kMessage;
      r.text = std::string(inner.substr(4));
    } else {
      r.kind = Reply::Kind::kFeedback;
      r.text = std::string(inner);
    }
    return r;
  }
  if (line.front() == '$') {
    size_t eq = line.find('=');
    if (eq == line.npos || !ParseCode(line.substr(1, eq - 1), &r.code)) return Unknown(line);
    r.kind = Reply::Kind::kSetting;
    r.text = std::string(line.substr(eq + 1));
    return r;
  }
  if (line.front() == '>') {
    r.kind = Reply::Kind::kStartupLine;
    r.text = std::string(line.substr(1));
    return r;
  }
  return Unknown(line);
}

}  // namespace bciin::grbl
