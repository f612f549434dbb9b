#include "marlin_reply.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace bciin::marlin {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses a decimal number (sign, digits, point) at the front of `s`; advances it.
bool TakeNumber(std::string_view* s, double* out) {
  size_t i = 0;
  std::string_view v = *s;
  if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
  size_t digits = 0;
  while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i, ++digits;
  if (digits == 0) return false;
  std::string num(v.substr(v[0] == '+' ? 1 : 0, v[0] == '+' ? i - 1 : i));
  char* end = nullptr;
  double d = std::strtod(num.c_str(), &end);
  if (end == num.c_str()) return false;
  *out = d;
  s->remove_prefix(i);
  return true;
}

bool TakeInt(std::string_view s, int64_t* out) {
  s = TrimView(s);
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i > 18) return false;
  std::from_chars(s.data(), s.data() + i, *out);
  return true;
}

}  // namespace

uint8_t Checksum(std::string_view data) {
  uint8_t cs = 0;
  for (char c : data) cs ^= static_cast<uint8_t>(c);
  return cs;
}

std::string FrameLine(int64_t n, std::string_view payload) {
  std::string line = "N" + std::to_string(n) + " ";
  line.append(payload);
  line += "*" + std::to_string(Checksum(line));
  return line;
}

std::optional<int64_t> ParseResend(std::string_view line) {
  std::string l = Lower(TrimView(line));
  std::string_view rest;
  if (StartsWith(l, "resend:")) {
    rest = std::string_view(l).substr(7);
  } else if (StartsWith(l, "rs ")) {
    rest = std::string_view(l).substr(3);
  } else {
    return std::nullopt;
  }
  rest = TrimView(rest);
  if (!rest.empty() && rest[0] == 'n') rest.remove_prefix(1);
  if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
  int64_t n = 0;
  if (!TakeInt(rest, &n)) return std::nullopt;
  return n;
}

bool ParseTemperatures(std::string_view line, std::vector<Temperature>* out) {
  out->clear();
  size_t i = 0;
  while (i < line.size()) {
    // A word id: letters and digits up to ':' ("T", "T0", "B", "C", "P", "A").
    size_t start = i;
    while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i]))) ++i;
    if (i < line.size() && line[i] == ':' && i > start && std::isupper(static_cast<unsigned char>(line[start]))) {
      std::string id(line.substr(start, i - start));
      std::string_view rest = line.substr(i + 1);
      double actual = 0;
      if (id != "W" && TakeNumber(&rest, &actual)) {
        Temperature t{id, actual, std::nullopt};
        std::string_view after = TrimView(rest);
        if (!after.empty() && after[0] == '/') {
          after.remove_prefix(1);
          after = TrimView(after);
          double target = 0;
          if (TakeNumber(&after, &target)) t.target = target;
          rest = after;
        }
        out->push_back(std::move(t));
        i = line.size() - rest.size();
        continue;
      }
    }
    // Skip to the next word ("@:0", "B@:0", garbage).
    while (i < line.size() && line[i] != ' ') ++i;
    while (i < line.size() && line[i] == ' ') ++i;
  }
  // Only heaters and sensors Marlin reports count: the ids start with T, B, C, P, L, R.
  out->erase(std::remove_if(out->begin(), out->end(),
                            [](const Temperature& t) {
                              return t.id.empty() || std::string_view("TBCPLRA").find(t.id[0]) == std::string_view::npos;
                            }),
             out->end());
  return !out->empty();
}

ErrorClass ClassifyError(std::string_view message) {
  std::string m = Lower(message);
  auto has = [&](std::string_view s) { return m.find(s) != std::string::npos; };
  if (has("no line number with checksum") || has("missing linenumber")) return ErrorClass::kRecoverable;
  if (has("line number") || has("checksum") || has("format error") || has("expected line")) return ErrorClass::kResend;
  if (has("volume.init") || has("openroot") || has("workdir") || has("error writing to file") ||
      has("cannot open") || has("open failed") || has("unknown command")) {
    return ErrorClass::kIgnore;
  }
  if (has("kill() called") || has("fatal:") || has("heating failed") || has("thermal runaway") ||
      has("thermal malfunction") || has("maxtemp triggered") || has("mintemp triggered") ||
      has("invalid extruder number") || has("watchdog barked") || has("kill caused") ||
      has("printer stopped due to errors")) {
    return ErrorClass::kFatal;
  }
  return ErrorClass::kOther;
}

std::map<std::string, std::string> ParseFirmwareInfo(std::string_view line) {
  std::map<std::string, std::string> fields;
  // Find each " KEY:" where KEY is [A-Z_]+ (the first at the start of the line).
  std::vector<std::pair<size_t, size_t>> keys;  // key start, colon position
  for (size_t i = 0; i < line.size(); ++i) {
    if (i != 0 && line[i - 1] != ' ') continue;
    size_t j = i;
    while (j < line.size() && (std::isupper(static_cast<unsigned char>(line[j])) || line[j] == '_')) ++j;
    if (j > i && j < line.size() && line[j] == ':') keys.push_back({i, j});
  }
  for (size_t k = 0; k < keys.size(); ++k) {
    size_t value_end = k + 1 < keys.size() ? keys[k + 1].first : line.size();
    std::string key(line.substr(keys[k].first, keys[k].second - keys[k].first));
    fields[key] = std::string(TrimView(line.substr(keys[k].second + 1, value_end - keys[k].second - 1)));
  }
  return fields;
}

Reply ParseReply(std::string_view raw) {
  Reply r;
  std::string_view line = TrimView(raw);
  r.text = std::string(line);
  std::string lower = Lower(line);

  if (lower == "ok" || StartsWith(lower, "ok ")) {
    r.kind = ReplyKind::kOk;
    std::string_view rest = line.size() > 2 ? TrimView(line.substr(3)) : std::string_view();
    // ADVANCED_OK: "ok N78 P15 B3"
    if (!rest.empty() && rest[0] == 'N') {
      int64_t n = 0;
      if (TakeInt(rest.substr(1), &n)) r.line = n;
      size_t p = rest.find(" P"), b = rest.find(" B");
      int64_t v = 0;
      if (p != std::string_view::npos && TakeInt(rest.substr(p + 2), &v)) r.planner_free = static_cast<int>(v);
      if (b != std::string_view::npos && TakeInt(rest.substr(b + 2), &v)) r.queue_free = static_cast<int>(v);
    }
    ParseTemperatures(rest, &r.temperatures);
    return r;
  }
  if (auto n = ParseResend(line)) {
    r.kind = ReplyKind::kResend;
    r.line = n;
    return r;
  }
  if (lower == "start") {
    r.kind = ReplyKind::kStart;
    return r;
  }
  if (lower == "wait") {
    r.kind = ReplyKind::kWait;
    return r;
  }
  std::string_view body = line;
  bool echo = false;
  if (StartsWith(lower, "echo:")) {
    body = TrimView(line.substr(5));
    echo = true;
  }
  std::string body_lower = Lower(body);
  if (StartsWith(body_lower, "busy:")) {
    r.kind = ReplyKind::kBusy;
    r.text = std::string(TrimView(body.substr(5)));
    return r;
  }
  if (StartsWith(lower, "error:") || StartsWith(lower, "!!") || StartsWith(lower, "fatal:")) {
    r.kind = ReplyKind::kError;
    size_t colon = line.find(':');
    r.text = StartsWith(lower, "!!") ? std::string(TrimView(line.substr(2)))
                                     : std::string(TrimView(line.substr(colon + 1)));
    r.error_class = ClassifyError(StartsWith(lower, "fatal:") ? lower : r.text);
    return r;
  }
  if (echo) {
    r.kind = ReplyKind::kEcho;
    r.text = std::string(body);
    if (Lower(body).find("unknown command") != std::string::npos) r.error_class = ErrorClass::kIgnore;
    return r;
  }
  if (StartsWith(line, "FIRMWARE_NAME:")) {
    r.kind = ReplyKind::kFirmwareInfo;
    r.fields = ParseFirmwareInfo(line);
    return r;
  }
  if (StartsWith(line, "Cap:")) {
    r.kind = ReplyKind::kCap;
    r.text = std::string(line.substr(4));
    return r;
  }
  if (StartsWith(line, "X:") && line.find(" Y:") != std::string_view::npos) {
    r.kind = ReplyKind::kPosition;
    // "X:10.00 Y:0.00 Z:0.00 E:0.00 Count X:0 Y:0 Z:0": the part before "Count".
    std::string_view pos = line.substr(0, line.find(" Count"));
    size_t i = 0;
    while (i < pos.size()) {
      size_t colon = pos.find(':', i);
      if (colon == std::string_view::npos) break;
      size_t end = pos.find(' ', colon);
      if (end == std::string_view::npos) end = pos.size();
      r.fields[std::string(TrimView(pos.substr(i, colon - i)))] = std::string(pos.substr(colon + 1, end - colon - 1));
      i = end + 1;
    }
    return r;
  }
  if (ParseTemperatures(line, &r.temperatures)) {
    r.kind = ReplyKind::kTemperature;
    return r;
  }
  return r;
}

}  // namespace bciin::marlin
