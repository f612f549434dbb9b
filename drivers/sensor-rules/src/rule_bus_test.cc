#include "rule_bus.h"

#include <gtest/gtest.h>

namespace bciin::sensors {
namespace {

TEST(RuleBus, TelemetryEventsFeedTheRules) {
  RuleEngine engine;
  Rule rule;
  ASSERT_TRUE(ParseRule("hot: mill1.temperature > 80 for 3", &rule).ok());
  ASSERT_TRUE(engine.AddRule(rule).ok());
  std::vector<RuleEvent> events;
  const std::string hot =
      R"({"values":[{"name":"temperature","unit":"Cel","value":85.5,"timestamp_us":1},)"
      R"({"name":"slave1.health","unit":"1","value":"online","timestamp_us":1}]})";
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", hot, &events).ok());
  // A gap (the device went offline) breaks the run.
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.state", R"({"state":"offline"})", &events).ok());
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", hot, &events).ok());
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", hot, &events).ok());
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", hot, &events).ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].device, "mill1");
  EXPECT_EQ(events[0].value, 85.5);
  // Other devices, other topics, other kinds: ignored.
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill2.telemetry", hot, &events).ok());
  ASSERT_TRUE(HandleDeviceEvent(&engine, "chain.block", "not json", &events).ok());
  ASSERT_TRUE(HandleDeviceEvent(&engine, "device.mill1.console", "not json", &events).ok());
  EXPECT_EQ(events.size(), 1u);
  EXPECT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", "[1,2", &events).is(BCIIN_ERR_CORRUPTION));
  EXPECT_TRUE(HandleDeviceEvent(&engine, "device.mill1.telemetry", "{}", &events).is(BCIIN_ERR_CORRUPTION));
}

}  // namespace
}  // namespace bciin::sensors
