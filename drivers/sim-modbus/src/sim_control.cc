#include "sim_control.h"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace bciin::modbus {
namespace {

bool ToInt(const std::string& s, long* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Status ParseSimControl(std::string_view text, SimControl* out) {
  SimControl c;
  std::istringstream in{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (auto hash = line.find('#'); hash != line.npos) line.resize(hash);
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty()) continue;
    auto bad = [&](std::string_view why) {
      return Status::InvalidArgument(fmt::format("control line {}: {}: {}", number, why, line));
    };
    long a = 0, b = 0, s = -1;
    if (w[0] == "silent" && w.size() == 1) {
      c.silent = true;
    } else if (w[0] == "corrupt" && w.size() == 1) {
      c.corrupt = true;
    } else if (w[0] == "delay_ms" && w.size() == 2 && ToInt(w[1], &a) && a >= 0 && a < 60000) {
      c.delay_ms = static_cast<int>(a);
    } else if (w[0] == "exception" && w.size() == 2 && ToInt(w[1], &a) && a > 0 && a < 256) {
      c.exception = static_cast<uint8_t>(a);
    } else if (w[0] == "set" && (w.size() == 4 || w.size() == 5) &&
               (w[1] == "input" || w[1] == "holding") && ToInt(w[2], &a) && a >= 0 && a <= 0xFFFF &&
               ToInt(w[3], &b) && b >= -32768 && b <= 0xFFFF && (w.size() == 4 || ToInt(w[4], &s))) {
      c.pins.push_back(SimControl::Pin{w[1] == "holding", static_cast<uint16_t>(a),
                                       static_cast<uint16_t>(b & 0xFFFF), static_cast<int>(s)});
    } else {
      return bad("unknown or malformed directive");
    }
  }
  *out = std::move(c);
  return Status::Ok();
}

}  // namespace bciin::modbus
