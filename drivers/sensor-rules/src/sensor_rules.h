// Sensor rules: BPIIoT's controller service, as a library.
//
// A rule watches one channel of one device ("cnc1.temperature") and fires an event when the
// value has been beyond a threshold for N consecutive samples, or for N samples out of the last
// W. It fires once per crossing episode, not once per sample: after firing it is disarmed until
// the value comes back past the threshold by the hysteresis margin, which ends the episode
// (a "cleared" event) and re-arms it.
//
// Rules are written in config as one line each:
//   <name>: <device>.<channel> <op> <threshold> [for <N> [of <W>]] [hysteresis <H>]
//   spindle-hot: cnc1.temperature > 80 for 3 hysteresis 2
//   chatter: mill2.vibration >= 12.5 for 3 of 5
// with <op> one of > >= < <=. Defaults: for 1, window = N (consecutive), hysteresis 0.
//
// Thread safety: none; the owner feeds samples from one thread (or locks).
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::sensors {

enum class Comparison { kAbove, kAtOrAbove, kBelow, kAtOrBelow };

// ">", ">=", "<", "<=".
std::string_view ComparisonSymbol(Comparison c);

struct Rule {
  std::string name;
  std::string device;
  std::string channel;
  Comparison comparison = Comparison::kAbove;
  double threshold = 0;
  int count = 1;   // samples beyond the threshold needed to fire
  int window = 1;  // ... among the last `window` samples; window == count means consecutive
  double hysteresis = 0;  // >= 0

  // True when `value` is beyond the threshold.
  bool Crossed(double value) const;
  // True when `value` is back inside by at least the hysteresis margin.
  bool Cleared(double value) const;
  // The canonical one-line form (parses back to the same rule).
  std::string ToString() const;
};

// Parses one rule line (grammar above). InvalidArgument names what is wrong.
Status ParseRule(std::string_view text, Rule* rule);

struct RuleEvent {
  enum class Kind { kFired, kCleared };
  Kind kind = Kind::kFired;
  std::string rule;
  std::string device;
  std::string channel;
  double value = 0;       // the sample that fired or cleared the rule
  double threshold = 0;
  std::string comparison; // ">", ...
  int count = 0;          // samples beyond the threshold in the window when it fired
  int window = 0;
  uint64_t episode = 0;   // 1 for the rule's first episode, then 2, ...

  // The topic it is published on: "sensor.rule.fired" or "sensor.rule.cleared".
  std::string Topic() const;
  // A JSON object with every field above.
  std::string ToJson() const;
};

class RuleEngine {
 public:
  // Adds a rule. InvalidArgument for a bad rule (count < 1, window < count, negative
  // hysteresis, empty names) or AlreadyExists for a duplicate name.
  Status AddRule(Rule rule);

  // Feeds one sample of `device`.`channel`; appends the events it causes to `*events`.
  void OnSample(std::string_view device, std::string_view channel, double value,
                std::vector<RuleEvent>* events);

  // Forgets the partial counts of every rule on `device` (e.g. it became unreachable, so the
  // next samples are not "in a row" with the last ones). Fired rules stay fired.
  void ResetHistory(std::string_view device);

  size_t rule_count() const { return rules_.size(); }
  const Rule& rule(size_t i) const { return rules_[i].rule; }

 private:
  struct State {
    Rule rule;
    bool armed = true;
    uint64_t episodes = 0;
    std::deque<bool> recent;  // last `window` samples: beyond the threshold or not
  };
  std::vector<State> rules_;
};

}  // namespace bciin::sensors
