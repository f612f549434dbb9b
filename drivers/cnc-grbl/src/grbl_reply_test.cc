#include "grbl_reply.h"

#include <gtest/gtest.h>

namespace bciin::grbl {
namespace {

using Kind = Reply::Kind;

TEST(GrblReply, OkAndErrors) {
  EXPECT_EQ(ParseReply("ok").kind, Kind::kOk);
  EXPECT_EQ(ParseReply("ok\r\n").kind, Kind::kOk);
  Reply e = ParseReply("error:22\r");
  EXPECT_EQ(e.kind, Kind::kError);
  EXPECT_EQ(e.code, 22);
  EXPECT_TRUE(e.IsLineAnswer());
  Reply a = ParseReply("ALARM:1");
  EXPECT_EQ(a.kind, Kind::kAlarm);
  EXPECT_EQ(a.code, 1);
  EXPECT_FALSE(a.IsLineAnswer());
  EXPECT_EQ(ParseReply("error:").kind, Kind::kUnknown);
  EXPECT_EQ(ParseReply("error:x").kind, Kind::kUnknown);
  EXPECT_EQ(ParseReply("error:-1").kind, Kind::kUnknown);
  EXPECT_EQ(ParseReply("okay").kind, Kind::kUnknown);
}

TEST(GrblReply, BannerAndMessages) {
  Reply b = ParseReply("Grbl 1.1h ['$' for help]");
  EXPECT_EQ(b.kind, Kind::kBanner);
  EXPECT_EQ(b.text, "1.1h");
  EXPECT_EQ(ParseReply("\r").kind, Kind::kEmpty);
  Reply m = ParseReply("[MSG:'$H'|'$X' to unlock]");
  EXPECT_EQ(m.kind, Kind::kMessage);
  EXPECT_EQ(m.text, "'$H'|'$X' to unlock");
  Reply gc = ParseReply("[GC:G0 G54 G17 G21 G90 G94 M5 M9 T0 F0 S0]");
  EXPECT_EQ(gc.kind, Kind::kFeedback);
  EXPECT_EQ(gc.text, "GC:G0 G54 G17 G21 G90 G94 M5 M9 T0 F0 S0");
  EXPECT_EQ(ParseReply("[MSG:unterminated").kind, Kind::kUnknown);
  Reply s = ParseReply("$110=500.000");
  EXPECT_EQ(s.kind, Kind::kSetting);
  EXPECT_EQ(s.code, 110);
  EXPECT_EQ(s.text, "500.000");
  EXPECT_EQ(ParseReply("$N0=").kind, Kind::kUnknown);
  Reply st = ParseReply(">G54G20:ok");
  EXPECT_EQ(st.kind, Kind::kStartupLine);
  EXPECT_EQ(st.text, "G54G20:ok");
}

TEST(GrblStatus, IdleReport) {
  Reply r = ParseReply("<Idle|MPos:0.000,0.000,0.000|FS:0,0>");
  ASSERT_EQ(r.kind, Kind::kStatus);
  EXPECT_EQ(r.status.state, MachineState::kIdle);
  EXPECT_EQ(r.status.substate, -1);
  ASSERT_TRUE(r.status.mpos);
  EXPECT_EQ(r.status.mpos->count, 3);
  EXPECT_FALSE(r.status.wpos);
  EXPECT_EQ(*r.status.feed, 0);
  EXPECT_EQ(*r.status.spindle, 0);
}

TEST(GrblStatus, FullReport) {
  auto s = ParseStatusReport(
      "<Hold:0|WPos:1.500,-2.250,3.000|Bf:15,128|Ln:99|FS:355.5,1000|Pn:XZ|WCO:10.000,0.000,-1.000|"
      "Ov:120,50,100|A:SF>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, MachineState::kHold);
  EXPECT_EQ(s->substate, 0);
  EXPECT_DOUBLE_EQ(s->wpos->y(), -2.25);
  EXPECT_EQ(*s->planner_blocks_free, 15);
  EXPECT_EQ(*s->rx_bytes_free, 128);
  EXPECT_EQ(*s->line_number, 99);
  EXPECT_DOUBLE_EQ(*s->feed, 355.5);
  EXPECT_DOUBLE_EQ(*s->spindle, 1000);
  EXPECT_EQ(s->pins, "XZ");
  EXPECT_EQ((Overrides{120, 50, 100}), *s->overrides);
  EXPECT_EQ(s->accessories, "SF");
  EXPECT_DOUBLE_EQ(s->wco->x(), 10.0);
}

TEST(GrblStatus, FeedOnlyAndUnknownFields) {
  auto s = ParseStatusReport("<Run|MPos:1,2,3,4|F:500|Foo:bar|Door:2>");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, MachineState::kRun);
  EXPECT_EQ(s->mpos->count, 4);
  EXPECT_DOUBLE_EQ(*s->feed, 500);
  EXPECT_FALSE(s->spindle);
}

TEST(GrblStatus, Rejects) {
  EXPECT_FALSE(ParseStatusReport("<Idle|MPos:0.000,0.000,0.000"));
  EXPECT_FALSE(ParseStatusReport("<Bogus|MPos:0,0,0>"));
  EXPECT_FALSE(ParseStatusReport("<Idle|MPos:0,x,0>"));
  EXPECT_FALSE(ParseStatusReport("<Idle|MPos:1,2,3,4,5,6,7>"));
  EXPECT_FALSE(ParseStatusReport("<Idle|Ov:100,100>"));
  EXPECT_FALSE(ParseStatusReport("<Idle|Bf:15>"));
  EXPECT_FALSE(ParseStatusReport("<Hold:x>"));
  EXPECT_EQ(ParseReply("<Idle|MPos:,>").kind, Kind::kUnknown);
}

TEST(GrblStatus, TrackerFillsTheOtherPosition) {
  PositionTracker t;
  auto first = ParseStatusReport("<Idle|MPos:10.000,5.000,0.000|WCO:1.000,2.000,3.000>");
  t.Update(&*first);
  EXPECT_DOUBLE_EQ(first->wpos->x(), 9.0);
  EXPECT_DOUBLE_EQ(first->wpos->z(), -3.0);
  auto next = ParseStatusReport("<Run|MPos:11.000,5.000,0.000>");
  t.Update(&*next);
  EXPECT_DOUBLE_EQ(next->wpos->x(), 10.0);
  auto w = ParseStatusReport("<Run|WPos:0.000,0.000,0.000>");
  t.Update(&*w);
  EXPECT_DOUBLE_EQ(w->mpos->y(), 2.0);
}

}  // namespace
}  // namespace bciin::grbl
