#include "grbl_sim_machine.h"

#include <gtest/gtest.h>

namespace bciin::grbl::sim {
namespace {

using namespace std::chrono_literals;

class SimTest : public ::testing::Test {
 protected:
  void Start(SimOptions o) {
    o.time_scale = o.time_scale == 0.01 ? 1.0 : o.time_scale;
    m_ = std::make_unique<GrblSimMachine>(o);
    m_->Connect(t_);
    out_ = m_->TakeOutput();
  }
  std::string Send(std::string_view bytes, Clock::duration after = 0s) {
    m_->Receive(bytes, t_);
    t_ += after;
    m_->Advance(t_);
    return m_->TakeOutput();
  }
  std::string Wait(Clock::duration d) {
    t_ += d;
    m_->Advance(t_);
    return m_->TakeOutput();
  }
  Clock::time_point t_ = Clock::time_point() + 1h;
  std::unique_ptr<GrblSimMachine> m_;
  std::string out_;
};

TEST_F(SimTest, BannerOkAndRecord) {
  Start({});
  EXPECT_EQ(out_, "\r\nGrbl 1.1h ['$' for help]\r\n");
  // 60 mm/min: 1 mm takes 1 s at time scale 1.
  EXPECT_EQ(Send("G1 X1 F60\nG1 X2\n"), "ok\r\nok\r\n");
  EXPECT_EQ(Send("?"), "<Run|MPos:0.000,0.000,0.000|Bf:13,128|FS:60,0|WCO:0.000,0.000,0.000>\r\n");
  Wait(1500ms);
  EXPECT_EQ(m_->record().size(), 1u);
  EXPECT_EQ(Send("?"), "<Run|MPos:1.500,0.000,0.000|Bf:14,128|FS:60,0|Ov:100,100,100>\r\n");
  Wait(600ms);
  ASSERT_EQ(m_->record().size(), 2u);
  EXPECT_EQ(m_->record()[1], "G1 X2");
  EXPECT_EQ(Send("?").substr(0, 6), "<Idle|");
}

TEST_F(SimTest, ErrorsAndUndefinedFeed) {
  Start({});
  EXPECT_EQ(Send("G1 X1\n"), "error:22\r\n");
  EXPECT_EQ(Send("G81 X1\n"), "error:20\r\n");
  EXPECT_EQ(Send("\n"), "ok\r\n");
  EXPECT_EQ(Send("$Q\n"), "error:3\r\n");
  EXPECT_EQ(Send("$H\n"), "error:5\r\n");
}

TEST_F(SimTest, OverflowIsCounted) {
  Start({});
  std::string big(200, 'X');
  Send(big);
  EXPECT_EQ(m_->stats().max_rx_fill, 128u);
  EXPECT_EQ(m_->stats().overflow_bytes, 72u);
}

TEST_F(SimTest, HoldResumeAndResetAlarm) {
  Start({});
  Send("G1 X10 F60\n");
  Wait(1s);
  Send("!");
  EXPECT_EQ(Send("?").substr(0, 8), "<Hold:1|");
  Wait(50ms);
  EXPECT_EQ(Send("?").substr(0, 8), "<Hold:0|");
  Wait(20s);
  EXPECT_TRUE(m_->record().empty());  // held: nothing moves
  Send("~");
  EXPECT_EQ(Send("?").substr(0, 5), "<Run|");
  std::string out = Send("\x18");
  EXPECT_EQ(out, "ALARM:3\r\n\r\nGrbl 1.1h ['$' for help]\r\n[MSG:'$H'|'$X' to unlock]\r\n");
  EXPECT_EQ(Send("G1 X1\n"), "error:9\r\n");
  EXPECT_EQ(Send("$X\n"), "[MSG:Caution: Unlocked]\r\nok\r\n");
  EXPECT_EQ(Send("?").substr(0, 6), "<Idle|");
}

TEST_F(SimTest, LimitAlarmIsCritical) {
  SimOptions o;
  o.alarm_at_line = 2;
  Start(o);
  Send("G1 X1 F600\nG1 X2\nG1 X3\n");
  std::string out = Wait(1s);
  EXPECT_EQ(out, "ALARM:1\r\n[MSG:Reset to continue]\r\n");
  EXPECT_EQ(m_->record().size(), 1u);
  EXPECT_EQ(Send("?G1 X1\n"), "");  // nothing but a reset is heard
  EXPECT_EQ(Send("\x18"), "\r\nGrbl 1.1h ['$' for help]\r\n[MSG:'$H'|'$X' to unlock]\r\n");
}

TEST_F(SimTest, SettingsAndHoming) {
  SimOptions o;
  o.homing_enabled = true;
  Start(o);
  EXPECT_EQ(out_, "\r\nGrbl 1.1h ['$' for help]\r\n[MSG:'$H'|'$X' to unlock]\r\n");
  std::string all = Send("$$\n");
  EXPECT_NE(all.find("$22=1\r\n"), std::string::npos);
  EXPECT_NE(all.find("$110=500.000\r\n"), std::string::npos);
  EXPECT_EQ(all.substr(all.size() - 4), "ok\r\n");
  EXPECT_EQ(Send("$110=800\n"), "ok\r\n");
  EXPECT_NE(Send("$$\n").find("$110=800\r\n"), std::string::npos);
  EXPECT_EQ(Send("$999=1\n"), "error:3\r\n");
  EXPECT_EQ(Send("$H\n"), "");
  EXPECT_EQ(Wait(300ms), "ok\r\n");
  EXPECT_EQ(Send("?").substr(0, 6), "<Idle|");
}

}  // namespace
}  // namespace bciin::grbl::sim
