#include "register_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

namespace bciin::modbus {
namespace {

bool ParseLong(std::string_view s, long* out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

}  // namespace

double Channel::Decode(std::span<const uint16_t> regs) const {
  if (type == ValueType::kU16) return regs[0] * scale + offset;
  if (type == ValueType::kI16) return static_cast<int16_t>(regs[0]) * scale + offset;
  // Bytes A B C D of the 32-bit value (A most significant) as they sit in regs[0], regs[1].
  uint8_t b[4] = {static_cast<uint8_t>(regs[0] >> 8), static_cast<uint8_t>(regs[0] & 0xFF),
                  static_cast<uint8_t>(regs[1] >> 8), static_cast<uint8_t>(regs[1] & 0xFF)};
  uint8_t v[4] = {b[0], b[1], b[2], b[3]};  // A B C D
  switch (order) {
    case WordOrder::kABCD: v[0] = b[0], v[1] = b[1], v[2] = b[2], v[3] = b[3]; break;
    case WordOrder::kCDAB: v[0] = b[2], v[1] = b[3], v[2] = b[0], v[3] = b[1]; break;
    case WordOrder::kBADC: v[0] = b[1], v[1] = b[0], v[2] = b[3], v[3] = b[2]; break;
    case WordOrder::kDCBA: v[0] = b[3], v[1] = b[2], v[2] = b[1], v[3] = b[0]; break;
  }
  uint32_t u = (uint32_t{v[0]} << 24) | (uint32_t{v[1]} << 16) | (uint32_t{v[2]} << 8) | v[3];
  double raw = 0;
  if (type == ValueType::kU32) raw = u;
  if (type == ValueType::kI32) raw = static_cast<int32_t>(u);
  if (type == ValueType::kF32) {
    float f;
    std::memcpy(&f, &u, sizeof(f));
    raw = f;
  }
  return raw * scale + offset;
}

Status ParseChannel(std::string_view name, std::string_view spec, Channel* out) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("channel.{} = '{}': {}", name, spec, why));
  };
  if (name.empty()) return bad("empty channel name");
  Channel c;
  c.name = std::string(name);
  bool have_reg = false;
  std::istringstream words{std::string(spec)};
  for (std::string w; words >> w;) {
    size_t eq = w.find('=');
    if (eq == std::string::npos) return bad(fmt::format("'{}' is not key=value", w));
    std::string key = w.substr(0, eq), value = w.substr(eq + 1);
    long n = 0;
    if (key == "slave") {
      if (!ParseLong(value, &n) || n < 1 || n > 247) return bad("slave must be 1..247");
      c.slave = static_cast<int>(n);
    } else if (key == "fc") {
      if (!ParseLong(value, &n) || (n != 3 && n != 4)) return bad("fc must be 3 (holding) or 4 (input)");
      c.function = static_cast<int>(n);
    } else if (key == "reg") {
      if (!ParseLong(value, &n) || n < 0 || n > 0xFFFF) return bad("reg must be 0..65535");
      c.reg = static_cast<uint16_t>(n);
      have_reg = true;
    } else if (key == "type") {
      if (value == "u16") c.type = ValueType::kU16;
      else if (value == "i16") c.type = ValueType::kI16;
      else if (value == "u32") c.type = ValueType::kU32;
      else if (value == "i32") c.type = ValueType::kI32;
      else if (value == "f32") c.type = ValueType::kF32;
      else return bad("type must be u16, i16, u32, i32 or f32");
    } else if (key == "order") {
      if (value == "abcd") c.order = WordOrder::kABCD;
      else if (value == "cdab") c.order = WordOrder::kCDAB;
      else if (value == "badc") c.order = WordOrder::kBADC;
      else if (value == "dcba") c.order = WordOrder::kDCBA;
      else return bad("order must be abcd, cdab, badc or dcba");
    } else if (key == "scale") {
      if (!ParseDouble(value, &c.scale) || c.scale == 0) return bad("scale must be a non-zero number");
    } else if (key == "offset") {
      if (!ParseDouble(value, &c.offset)) return bad("offset must be a number");
    } else if (key == "unit") {
      if (value.empty()) return bad("empty unit");
      c.unit = value;
    } else {
      return bad(fmt::format("unknown key '{}'", key));
    }
  }
  if (!have_reg) return bad("reg is required");
  if (c.reg + c.register_count() - 1 > 0xFFFF) return bad("the value runs past register 65535");
  *out = std::move(c);
  return Status::Ok();
}

Status ChannelsFromOptions(const std::map<std::string, std::string>& options, std::vector<Channel>* out) {
  std::vector<Channel> channels;
  for (const auto& [key, value] : options) {
    if (key.rfind("channel.", 0) != 0) continue;
    Channel c;
    BCIIN_RETURN_IF_ERROR(ParseChannel(key.substr(8), value, &c));
    channels.push_back(std::move(c));
  }
  if (channels.empty())
    return Status::InvalidArgument("no channel.<name> options: the sensor has nothing to read");
  *out = std::move(channels);
  return Status::Ok();
}

std::vector<ReadGroup> GroupReads(const std::vector<Channel>& channels, int max_gap) {
  std::vector<size_t> order(channels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Channel &x = channels[a], &y = channels[b];
    return std::tie(x.slave, x.function, x.reg) < std::tie(y.slave, y.function, y.reg);
  });
  std::vector<ReadGroup> groups;
  for (size_t i : order) {
    const Channel& c = channels[i];
    uint32_t end = uint32_t{c.reg} + static_cast<uint32_t>(c.register_count());
    if (!groups.empty()) {
      ReadGroup& g = groups.back();
      uint32_t g_end = uint32_t{g.start} + g.count;
      if (g.slave == c.slave && g.function == c.function && c.reg <= g_end + static_cast<uint32_t>(max_gap) &&
          std::max(end, g_end) - g.start <= 125) {
        g.count = static_cast<uint16_t>(std::max(end, g_end) - g.start);
        g.channels.push_back(i);
        continue;
      }
    }
    ReadGroup g;
    g.slave = c.slave;
    g.function = c.function;
    g.start = c.reg;
    g.count = static_cast<uint16_t>(c.register_count());
    g.channels.push_back(i);
    groups.push_back(std::move(g));
  }
  return groups;
}

}  // namespace bciin::modbus
