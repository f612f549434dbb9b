#include "sensor_rules.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <vector>

namespace bciin::sensors {
namespace {

Rule MustParse(std::string_view text) {
  Rule r;
  Status s = ParseRule(text, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return r;
}

std::vector<RuleEvent> Feed(RuleEngine& engine, std::string_view device, std::string_view channel,
                            std::initializer_list<double> values) {
  std::vector<RuleEvent> events;
  for (double v : values) engine.OnSample(device, channel, v, &events);
  return events;
}

TEST(SensorRules, ParsesTheGrammar) {
  Rule r = MustParse("spindle-hot: cnc1.temperature > 80 for 3 hysteresis 2");
  EXPECT_EQ(r.name, "spindle-hot");
  EXPECT_EQ(r.device, "cnc1");
  EXPECT_EQ(r.channel, "temperature");
  EXPECT_EQ(r.comparison, Comparison::kAbove);
  EXPECT_EQ(r.threshold, 80);
  EXPECT_EQ(r.count, 3);
  EXPECT_EQ(r.window, 3);
  EXPECT_EQ(r.hysteresis, 2);
  EXPECT_EQ(r.ToString(), "spindle-hot: cnc1.temperature > 80 for 3 hysteresis 2");

  Rule w = MustParse("chatter: mill2.vibration >= 12.5 for 3 of 5");
  EXPECT_EQ(w.window, 5);
  EXPECT_EQ(w.ToString(), "chatter: mill2.vibration >= 12.5 for 3 of 5");
  Rule again = MustParse(w.ToString());
  EXPECT_EQ(again.ToString(), w.ToString());

  Rule cold = MustParse("cold: s.t <= -5");
  EXPECT_EQ(cold.count, 1);
  EXPECT_EQ(cold.threshold, -5);
}

TEST(SensorRules, RejectsBadRules) {
  Rule r;
  EXPECT_FALSE(ParseRule("no colon here", &r).ok());
  EXPECT_FALSE(ParseRule("x: devicechannel > 1", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c == 1", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c > hot", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c > 1 for 0", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c > 1 for 3 of 2", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c > 1 hysteresis -1", &r).ok());
  EXPECT_FALSE(ParseRule("x: d.c > 1 sometimes", &r).ok());
  EXPECT_FALSE(ParseRule("bad name: d.c > 1", &r).ok());
  RuleEngine engine;
  EXPECT_TRUE(engine.AddRule(MustParse("a: d.c > 1")).ok());
  EXPECT_TRUE(engine.AddRule(MustParse("a: d.c > 2")).is(BCIIN_ERR_ALREADY_EXISTS));
}

TEST(SensorRules, ThreeInARowFiresOncePerEpisode) {
  RuleEngine engine;
  ASSERT_TRUE(engine.AddRule(MustParse("hot: m.t > 80 for 3 hysteresis 2")).ok());
  // Two crossings, a dip, then three in a row: fires once, on the third.
  auto events = Feed(engine, "m", "t", {81, 82, 79, 81, 85, 90});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, RuleEvent::Kind::kFired);
  EXPECT_EQ(events[0].value, 90);
  EXPECT_EQ(events[0].episode, 1u);
  EXPECT_EQ(events[0].count, 3);
  // Staying hot, and dipping only inside the hysteresis band, does not fire again.
  events = Feed(engine, "m", "t", {95, 99, 79, 81, 82, 83, 84});
  EXPECT_TRUE(events.empty());
  // Coming back below 78 clears; three more crossings start episode 2.
  events = Feed(engine, "m", "t", {77, 81, 81});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, RuleEvent::Kind::kCleared);
  events = Feed(engine, "m", "t", {81});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, RuleEvent::Kind::kFired);
  EXPECT_EQ(events[0].episode, 2u);
}

TEST(SensorRules, WindowedCount) {
  RuleEngine engine;
  ASSERT_TRUE(engine.AddRule(MustParse("spiky: m.v >= 10 for 3 of 5")).ok());
  auto events = Feed(engine, "m", "v", {10, 1, 12, 1, 1, 1, 11});  // only 2 in any 5
  EXPECT_TRUE(events.empty());
  events = Feed(engine, "m", "v", {1, 15});  // 11, 1, 15 plus earlier: window 1,1,11,1,15 = 2
  EXPECT_TRUE(events.empty());
  events = Feed(engine, "m", "v", {20});  // window 1,11,1,15,20 = 3
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].count, 3);
  EXPECT_EQ(events[0].window, 5);
}

TEST(SensorRules, OtherChannelsAndReset) {
  RuleEngine engine;
  ASSERT_TRUE(engine.AddRule(MustParse("low: m.p < 1 for 2")).ok());
  EXPECT_TRUE(Feed(engine, "m", "q", {0, 0, 0}).empty());
  EXPECT_TRUE(Feed(engine, "n", "p", {0, 0, 0}).empty());
  EXPECT_TRUE(Feed(engine, "m", "p", {0}).empty());
  engine.ResetHistory("m");
  EXPECT_TRUE(Feed(engine, "m", "p", {0}).empty());
  EXPECT_EQ(Feed(engine, "m", "p", {0}).size(), 1u);
}

TEST(SensorRules, EventJson) {
  RuleEngine engine;
  ASSERT_TRUE(engine.AddRule(MustParse("hot: m.t > 80")).ok());
  auto events = Feed(engine, "m", "t", {81.5});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].Topic(), "sensor.rule.fired");
  auto j = nlohmann::json::parse(events[0].ToJson());
  EXPECT_EQ(j["rule"], "hot");
  EXPECT_EQ(j["device"], "m");
  EXPECT_EQ(j["value"], 81.5);
  EXPECT_EQ(j["comparison"], ">");
  EXPECT_EQ(j["episode"], 1);
  EXPECT_EQ(j["event"], "fired");
}

}  // namespace
}  // namespace bciin::sensors
