#include "curve.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

namespace bciin::modbus {
namespace {

uint16_t ToRegister(double v) {
  long r = std::lround(std::clamp(v, -32768.0, 65535.0));
  return static_cast<uint16_t>(r & 0xFFFF);
}

}  // namespace

Status ParseCurve(std::string_view spec, ModbusSlave::Source* out) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == spec.npos ? spec.npos : colon - start));
    if (colon == spec.npos) break;
    start = colon + 1;
  }
  std::vector<double> args;
  for (size_t i = 1; i < parts.size(); ++i) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), v);
    if (parts[i].empty() || ec != std::errc() || ptr != parts[i].data() + parts[i].size() ||
        !std::isfinite(v))
      return Status::InvalidArgument(fmt::format("curve '{}': '{}' is not a number", spec, parts[i]));
    args.push_back(v);
  }
  auto need = [&](size_t lo, size_t hi) {
    return args.size() >= lo && args.size() <= hi
               ? Status::Ok()
               : Status::InvalidArgument(fmt::format("curve '{}': expected {} to {} numbers", spec, lo, hi));
  };
  std::string_view kind = parts[0];
  if (kind == "const") {
    BCIIN_RETURN_IF_ERROR(need(1, 1));
    double v = args[0];
    *out = [v](double) { return ToRegister(v); };
  } else if (kind == "drift") {
    BCIIN_RETURN_IF_ERROR(need(2, 3));
    double from = args[0], rate = args[1];
    double cap = args.size() > 2 ? args[2] : (rate >= 0 ? 65535.0 : -32768.0);
    *out = [from, rate, cap](double t) {
      double v = from + rate * t;
      return ToRegister(rate >= 0 ? std::min(v, cap) : std::max(v, cap));
    };
  } else if (kind == "spikes") {
    BCIIN_RETURN_IF_ERROR(need(3, 4));
    double base = args[0], peak = args[1], period = args[2];
    double width = args.size() > 3 ? args[3] : period / 10;
    if (period <= 0 || width < 0)
      return Status::InvalidArgument(fmt::format("curve '{}': period must be > 0", spec));
    *out = [base, peak, period, width](double t) {
      return ToRegister(std::fmod(t, period) < width ? peak : base);
    };
  } else if (kind == "sine") {
    BCIIN_RETURN_IF_ERROR(need(3, 3));
    double mid = args[0], amp = args[1], period = args[2];
    if (period <= 0) return Status::InvalidArgument(fmt::format("curve '{}': period must be > 0", spec));
    *out = [mid, amp, period](double t) { return ToRegister(mid + amp * std::sin(2 * M_PI * t / period)); };
  } else {
    return Status::InvalidArgument(
        fmt::format("curve '{}': unknown kind '{}' (const, drift, spikes, sine)", spec, kind));
  }
  return Status::Ok();
}

}  // namespace bciin::modbus
