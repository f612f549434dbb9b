// Joins the sensor rules to the host's event bus: reads the device manager's events
//   device.<name>.telemetry  {"values": [{"name", "unit", "value", "timestamp_us"}, ...]}
//   device.<name>.state      {"state": "offline", ...}
// feeds numeric values to a RuleEngine and returns the rule events to publish (on
// RuleEvent::Topic(): "sensor.rule.fired" / "sensor.rule.cleared", payload RuleEvent::ToJson()).
// A device going offline or disconnected resets its partial counts (samples either side of a
// gap are not "in a row").
#pragma once

#include "sensor_rules.h"

#include <bciin/sdk/status.hpp>

#include <string_view>
#include <vector>

namespace bciin::sensors {

// Handles one bus event. Topics other than the two above are ignored (ok). Corruption for a
// payload that is not the JSON described.
Status HandleDeviceEvent(RuleEngine* engine, std::string_view topic, std::string_view payload,
                         std::vector<RuleEvent>* events);

}  // namespace bciin::sensors
