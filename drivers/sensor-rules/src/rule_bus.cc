#include "rule_bus.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace bciin::sensors {

Status HandleDeviceEvent(RuleEngine* engine, std::string_view topic, std::string_view payload,
                         std::vector<RuleEvent>* events) {
  constexpr std::string_view kPrefix = "device.";
  if (!topic.starts_with(kPrefix)) return Status::Ok();
  std::string_view rest = topic.substr(kPrefix.size());
  size_t dot = rest.rfind('.');
  if (dot == std::string_view::npos) return Status::Ok();
  std::string_view device = rest.substr(0, dot);
  std::string_view kind = rest.substr(dot + 1);
  if (kind != "telemetry" && kind != "state") return Status::Ok();
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption(fmt::format("{}: payload is not a JSON object", topic));
  if (kind == "state") {
    auto state = j.find("state");
    if (state != j.end() && state->is_string() &&
        (*state == "offline" || *state == "disconnected"))
      engine->ResetHistory(device);
    return Status::Ok();
  }
  auto values = j.find("values");
  if (values == j.end() || !values->is_array()) return Status::Corruption(fmt::format("{}: no values array", topic));
  for (const auto& v : *values) {
    if (!v.is_object()) continue;
    auto name = v.find("name");
    auto value = v.find("value");
    if (name == v.end() || !name->is_string() || value == v.end()) continue;
    if (!value->is_number() || value->is_boolean()) continue;  // text and bool: nothing to compare
    engine->OnSample(device, name->get<std::string>(), value->get<double>(), events);
  }
  return Status::Ok();
}

}  // namespace bciin::sensors
