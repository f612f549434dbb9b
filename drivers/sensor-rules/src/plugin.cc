// The sensor-rules plugin: BPIIoT's controller service. Watches device telemetry on the event
// bus and publishes "sensor.rule.fired" / "sensor.rule.cleared" once per crossing episode.
//
//   [sensor-rules]
//   rule = spindle-hot: mill1.temperature > 80 for 3 hysteresis 2
//   rule = chatter: mill1.vibration >= 12.5 for 3 of 5
#include "rule_bus.h"
#include "sensor_rules.h"

#include <bciin/sdk/plugin.hpp>
#include <fmt/format.h>

#include <mutex>

namespace {

class SensorRulesPlugin : public bciin::sdk::Plugin {
 public:
  explicit SensorRulesPlugin(bciin::sdk::Host host) : Plugin(host) {
    for (const std::string& text : host.OptionValues("rule")) {
      bciin::sensors::Rule rule;
      bciin::sdk::ThrowIfError(bciin::sensors::ParseRule(text, &rule));
      bciin::sdk::ThrowIfError(engine_.AddRule(rule));
    }
    host.Info(fmt::format("{} sensor rule(s)", engine_.rule_count()));
  }

  void Start() override {
    if (engine_.rule_count() == 0) return;
    subscription_ = host().Subscribe("device.*", [this](std::string_view topic, bciin_span payload) {
      std::vector<bciin::sensors::RuleEvent> events;
      {
        std::lock_guard<std::mutex> lock(mu_);
        bciin::Status s = bciin::sensors::HandleDeviceEvent(
            &engine_, topic, std::string_view(reinterpret_cast<const char*>(payload.data), payload.size), &events);
        if (!s.ok()) host().Warn(s.ToString());
      }
      for (const auto& e : events) {
        host().Info(fmt::format("rule {} {} on {}.{} = {}", e.rule,
                                e.kind == bciin::sensors::RuleEvent::Kind::kFired ? "fired" : "cleared", e.device,
                                e.channel, e.value));
        (void)host().Publish(e.Topic(), e.ToJson());
      }
    });
  }

  void Stop() override { subscription_.reset(); }

 private:
  std::mutex mu_;
  bciin::sensors::RuleEngine engine_;
  bciin::sdk::Subscription subscription_;
};

}  // namespace

BCIIN_PLUGIN(SensorRulesPlugin)
