#include "grbl_controller.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bciin::grbl {
namespace {

using namespace std::chrono_literals;

class FakeTransport : public Transport {
 public:
  Status Write(std::string_view bytes) override {
    if (fail) return Status::IoError("closed");
    written += bytes;
    return Status::Ok();
  }
  std::string Take() {
    std::string out;
    out.swap(written);
    return out;
  }
  std::string written;
  bool fail = false;
};

class ControllerTest : public ::testing::Test {
 protected:
  ControllerTest() : c_(ControllerOptions{}, &t_) {}

  void Connect() {
    c_.OnConnected(now_);
    EXPECT_EQ(t_.Take(), "?");
    Line("");
    Line("Grbl 1.1h ['$' for help]");
    Line("<Idle|MPos:0.000,0.000,0.000|FS:0,0|WCO:0.000,0.000,0.000>");
    ASSERT_EQ(c_.snapshot().link, Link::kReady);
    EXPECT_EQ(c_.snapshot().firmware, "Grbl 1.1h");
  }
  void Line(std::string_view l) { c_.OnLine(l, now_); }
  void Tick(std::chrono::milliseconds d) {
    now_ += d;
    c_.OnTick(now_);
  }
  static std::vector<JobLine> Lines(int n, size_t len = 20) {
    std::vector<JobLine> out;
    for (int i = 0; i < n; ++i) out.push_back(JobLine{"G1 X" + std::string(len - 4, '1'), uint32_t(i + 1)});
    return out;
  }

  Clock::time_point now_ = Clock::time_point() + 1h;
  FakeTransport t_;
  GrblController c_;
};

TEST_F(ControllerTest, HandshakeFallsBackToSoftReset) {
  c_.OnConnected(now_);
  EXPECT_EQ(t_.Take(), "?");
  Tick(2001ms);
  EXPECT_EQ(t_.Take(), "\x18");
  Line("Grbl 1.1h ['$' for help]");
  EXPECT_EQ(c_.snapshot().link, Link::kReady);
}

TEST_F(ControllerTest, StreamsWithinTheBudgetAndCompletes) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 7, now_).ok());
  // 21 bytes per line: 5 lines = 105, a sixth would be 126 > 123.
  std::string sent = t_.Take();
  EXPECT_EQ(sent.size(), 105u);
  Line("ok");
  EXPECT_EQ(t_.Take().size(), 21u);
  for (int i = 0; i < 9; ++i) Line("ok");
  EXPECT_EQ(c_.snapshot().lines_done, 10u);
  EXPECT_EQ(c_.snapshot().job, JobPhase::kRunning);
  EXPECT_LE(c_.snapshot().max_buffer_fill, 123u);
  // A report requested after the last answer, saying Idle, completes the job.
  Line("<Idle|MPos:1,0,0|FS:0,0>");  // unsolicited: not enough
  EXPECT_EQ(c_.snapshot().job, JobPhase::kRunning);
  Tick(250ms);
  EXPECT_NE(t_.Take().find('?'), std::string::npos);
  Line("<Run|MPos:1,0,0|FS:100,0>");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kRunning);
  Tick(250ms);
  Line("<Idle|MPos:2,0,0|FS:0,0>");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kCompleted);
  EXPECT_DOUBLE_EQ(c_.snapshot().status.wpos->x(), 2.0);
}

TEST_F(ControllerTest, PauseResume) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 1, now_).ok());
  t_.Take();
  ASSERT_TRUE(c_.Pause(now_).ok());
  EXPECT_EQ(t_.Take(), "!");
  Line("ok");
  EXPECT_EQ(t_.Take(), "");  // no feeding while paused
  ASSERT_TRUE(c_.Resume(now_).ok());
  std::string after = t_.Take();
  EXPECT_EQ(after.substr(0, 1), "~");
  EXPECT_EQ(after.size(), 1u + 21u);
}

TEST_F(ControllerTest, CancelHoldsResetsAndUnlocks) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 1, now_).ok());
  t_.Take();
  ASSERT_TRUE(c_.Cancel(now_).ok());
  EXPECT_EQ(t_.Take(), "!?");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kStopping);
  Line("<Hold:1|MPos:1,0,0|FS:100,0>");
  EXPECT_EQ(t_.Take(), "");
  Line("<Hold:0|MPos:1,0,0|FS:0,0>");
  EXPECT_EQ(t_.Take(), "\x18");
  Line("ALARM:3");
  Line("");
  Line("Grbl 1.1h ['$' for help]");
  EXPECT_EQ(t_.Take(), "$X\n");
  Line("[MSG:'$H'|'$X' to unlock]");
  Line("[MSG:Caution: Unlocked]");
  Line("ok");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kCancelled);
  EXPECT_FALSE(c_.snapshot().alarm_locked);
  EXPECT_EQ(c_.snapshot().message, "cancelled");
}

TEST_F(ControllerTest, ErrorMidJobFailsWithTheReasonAndStops) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 1, now_).ok());
  t_.Take();
  Line("ok");
  t_.Take();
  Line("error:20");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kStopping);
  EXPECT_EQ(t_.Take().substr(0, 2), "!?");
  Line("<Hold:0|MPos:1,0,0|FS:0,0>");
  Line("Grbl 1.1h ['$' for help]");
  Line("ok");  // the $X
  EXPECT_EQ(c_.snapshot().job, JobPhase::kFailed);
  EXPECT_EQ(c_.snapshot().message,
            "line 2 'G1 X1111111111111111' refused: error:20 (unsupported or invalid G-code command)");
}

TEST_F(ControllerTest, AlarmMidJobFails) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 1, now_).ok());
  Line("ok");
  Line("ALARM:1");
  Line("[MSG:Reset to continue]");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kFailed);
  EXPECT_EQ(c_.snapshot().message, "ALARM:1 (hard limit triggered, position lost) at line 2");
  EXPECT_TRUE(c_.snapshot().critical_alarm);
  t_.Take();
  Tick(1000ms);
  EXPECT_EQ(t_.Take(), "");  // no polls in a critical alarm
  EXPECT_FALSE(c_.StartJob(Lines(1), 2, now_).ok());
  ASSERT_TRUE(c_.Reset(now_).ok());
  EXPECT_EQ(t_.Take(), "\x18");
  Line("Grbl 1.1h ['$' for help]");
  Line("[MSG:'$H'|'$X' to unlock]");
  EXPECT_EQ(t_.Take(), "$X\n");
  Line("[MSG:Caution: Unlocked]");
  Line("ok");
  Line("<Idle|MPos:0,0,0|FS:0,0>");
  EXPECT_TRUE(c_.StartJob(Lines(1), 2, now_).ok());
}

TEST_F(ControllerTest, BannerMidJobFails) {
  Connect();
  ASSERT_TRUE(c_.StartJob(Lines(10), 1, now_).ok());
  Line("ok");
  Line("Grbl 1.1h ['$' for help]");
  EXPECT_EQ(c_.snapshot().job, JobPhase::kFailed);
  EXPECT_NE(c_.snapshot().message.find("machine state lost"), std::string::npos);
}

TEST_F(ControllerTest, MissedPollsGoOffline) {
  Connect();
  t_.Take();
  for (int i = 0; i < 10 && c_.snapshot().link == Link::kReady; ++i) Tick(600ms);
  EXPECT_EQ(c_.snapshot().link, Link::kOffline);
  EXPECT_TRUE(c_.needs_reconnect());
}

TEST_F(ControllerTest, SettingsAndCommandsAreSendResponse) {
  Connect();
  t_.Take();
  ASSERT_TRUE(c_.Command("$$", now_).ok());
  ASSERT_TRUE(c_.Command("$110=800", now_).ok());
  EXPECT_EQ(t_.Take(), "$$\n");
  Line("$0=10");
  Line("$110=500.000");
  Line("ok");
  EXPECT_EQ(c_.snapshot().settings.at(110), "500.000");
  EXPECT_EQ(t_.Take(), "$110=800\n");
  Line("ok");
  EXPECT_TRUE(c_.Command("!", now_).ok());
  EXPECT_EQ(t_.Take(), "!");
}

}  // namespace
}  // namespace bciin::grbl
