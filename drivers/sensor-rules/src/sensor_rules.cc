#include "sensor_rules.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace bciin::sensors {
namespace {

// A tiny tokenizer over one rule line: words separated by spaces; ':' ends the name.
class Tokens {
 public:
  explicit Tokens(std::string_view text) : text_(text) {}
  std::string_view Next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\t') ++pos_;
    return text_.substr(start, pos_ - start);
  }
  bool Done() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
    return pos_ >= text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseInt(std::string_view s, int* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ValidName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

std::string FormatNumber(double v) { return fmt::format("{}", v); }

}  // namespace

std::string_view ComparisonSymbol(Comparison c) {
  switch (c) {
    case Comparison::kAbove: return ">";
    case Comparison::kAtOrAbove: return ">=";
    case Comparison::kBelow: return "<";
    case Comparison::kAtOrBelow: return "<=";
  }
  return "?";
}

bool Rule::Crossed(double value) const {
  switch (comparison) {
    case Comparison::kAbove: return value > threshold;
    case Comparison::kAtOrAbove: return value >= threshold;
    case Comparison::kBelow: return value < threshold;
    case Comparison::kAtOrBelow: return value <= threshold;
  }
  return false;
}

bool Rule::Cleared(double value) const {
  bool upward = comparison == Comparison::kAbove || comparison == Comparison::kAtOrAbove;
  if (hysteresis == 0) return !Crossed(value);
  return upward ? value <= threshold - hysteresis : value >= threshold + hysteresis;
}

std::string Rule::ToString() const {
  std::string out = fmt::format("{}: {}.{} {} {} for {}", name, device, channel,
                                ComparisonSymbol(comparison), FormatNumber(threshold), count);
  if (window != count) out += fmt::format(" of {}", window);
  if (hysteresis != 0) out += fmt::format(" hysteresis {}", FormatNumber(hysteresis));
  return out;
}

Status ParseRule(std::string_view text, Rule* rule) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("sensor rule '{}': {}", text, why));
  };
  size_t colon = text.find(':');
  if (colon == text.npos) return bad("expected '<name>: <device>.<channel> <op> <threshold>'");
  Rule r;
  std::string_view name = text.substr(0, colon);
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
  if (!ValidName(name)) return bad("the name must be letters, digits, '-' or '_'");
  r.name = std::string(name);

  Tokens t(text.substr(colon + 1));
  std::string_view target = t.Next();
  size_t dot = target.find('.');
  if (dot == target.npos) return bad("expected <device>.<channel>");
  r.device = std::string(target.substr(0, dot));
  r.channel = std::string(target.substr(dot + 1));
  if (!ValidName(r.device) || !ValidName(r.channel)) return bad("bad device or channel name");

  std::string_view op = t.Next();
  if (op == ">") r.comparison = Comparison::kAbove;
  else if (op == ">=") r.comparison = Comparison::kAtOrAbove;
  else if (op == "<") r.comparison = Comparison::kBelow;
  else if (op == "<=") r.comparison = Comparison::kAtOrBelow;
  else return bad(fmt::format("unknown comparison '{}' (use > >= < <=)", op));

  if (!ParseDouble(t.Next(), &r.threshold)) return bad("the threshold is not a number");
  r.count = 1;
  r.window = 0;
  while (!t.Done()) {
    std::string_view word = t.Next();
    if (word == "for") {
      if (!ParseInt(t.Next(), &r.count)) return bad("'for' needs a sample count");
    } else if (word == "of") {
      if (!ParseInt(t.Next(), &r.window)) return bad("'of' needs a window size");
    } else if (word == "hysteresis") {
      if (!ParseDouble(t.Next(), &r.hysteresis)) return bad("'hysteresis' needs a number");
    } else {
      return bad(fmt::format("unexpected '{}'", word));
    }
  }
  if (r.window == 0) r.window = r.count;
  if (r.count < 1 || r.count > 10000) return bad("the count must be 1..10000");
  if (r.window < r.count || r.window > 10000) return bad("the window must be count..10000");
  if (r.hysteresis < 0) return bad("the hysteresis must not be negative");
  *rule = std::move(r);
  return Status::Ok();
}

std::string RuleEvent::Topic() const {
  return kind == Kind::kFired ? "sensor.rule.fired" : "sensor.rule.cleared";
}

std::string RuleEvent::ToJson() const {
  nlohmann::json j = {
      {"event", kind == Kind::kFired ? "fired" : "cleared"},
      {"rule", rule},
      {"device", device},
      {"channel", channel},
      {"value", value},
      {"comparison", comparison},
      {"threshold", threshold},
      {"count", count},
      {"window", window},
      {"episode", episode},
  };
  return j.dump();
}

Status RuleEngine::AddRule(Rule rule) {
  if (rule.name.empty() || rule.device.empty() || rule.channel.empty())
    return Status::InvalidArgument("sensor rule: name, device and channel are required");
  if (rule.count < 1 || rule.window < rule.count || rule.hysteresis < 0)
    return Status::InvalidArgument(fmt::format("sensor rule {}: need 1 <= count <= window, hysteresis >= 0",
                                               rule.name));
  for (const State& s : rules_)
    if (s.rule.name == rule.name)
      return Status::AlreadyExists(fmt::format("sensor rule {} is defined twice", rule.name));
  State state;
  state.rule = std::move(rule);
  rules_.push_back(std::move(state));
  return Status::Ok();
}

void RuleEngine::OnSample(std::string_view device, std::string_view channel, double value,
                          std::vector<RuleEvent>* events) {
  for (State& s : rules_) {
    const Rule& r = s.rule;
    if (r.device != device || r.channel != channel) continue;
    auto event = [&](RuleEvent::Kind kind, int count) {
      RuleEvent e;
      e.kind = kind;
      e.rule = r.name;
      e.device = r.device;
      e.channel = r.channel;
      e.value = value;
      e.threshold = r.threshold;
      e.comparison = std::string(ComparisonSymbol(r.comparison));
      e.count = count;
      e.window = r.window;
      e.episode = s.episodes;
      events->push_back(std::move(e));
    };
    if (!s.armed) {
      if (r.Cleared(value)) {
        s.armed = true;
        s.recent.clear();
        event(RuleEvent::Kind::kCleared, 0);
      }
      continue;
    }
    s.recent.push_back(r.Crossed(value));
    if (s.recent.size() > static_cast<size_t>(r.window)) s.recent.pop_front();
    int crossed = static_cast<int>(std::count(s.recent.begin(), s.recent.end(), true));
    if (crossed >= r.count) {
      s.armed = false;
      ++s.episodes;
      s.recent.clear();
      event(RuleEvent::Kind::kFired, crossed);
    }
  }
}

void RuleEngine::ResetHistory(std::string_view device) {
  for (State& s : rules_)
    if (s.rule.device == device) s.recent.clear();
}

}  // namespace bciin::sensors
