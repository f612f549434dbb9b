// MarlinHost driven by hand: every line it writes is captured, every reply scripted.
#include "marlin_host.hpp"

#include <gtest/gtest.h>

#include <deque>

using namespace bciin;
using namespace bciin::marlin;

namespace {

class Recorder : public LineSink, public HostListener {
 public:
  Status WriteLine(const std::string& line) override {
    written.push_back(line);
    return Status::Ok();
  }
  void OnState(const sdk::DeviceStatus& s) override { states.push_back(s.state); }
  void OnProgress(const sdk::JobProgress& p) override { last_progress = p; }
  void OnTelemetry(const std::vector<sdk::TelemetryValue>& v) override { telemetry.insert(telemetry.end(), v.begin(), v.end()); }
  void OnConsole(int32_t, const std::string&) override {}
  void OnLog(bciin_log_level, const std::string&) override {}

  std::string Pop() {
    if (written.empty()) return "<nothing>";
    std::string s = written.front();
    written.pop_front();
    return s;
  }

  std::deque<std::string> written;
  std::vector<bciin_device_state> states;
  sdk::JobProgress last_progress;
  std::vector<sdk::TelemetryValue> telemetry;
};

class MarlinHostTest : public ::testing::Test {
 protected:
  MarlinHostTest() : host_(Options(), &rec_, &rec_) {}

  static HostOptions Options() {
    HostOptions o;
    o.communication_timeout = Ms(1000);
    o.max_timeouts_printing = 2;
    return o;
  }

  void Feed(const std::string& line) { host_.OnLine(line, now_); }

  void Connect() {
    host_.OnConnected(now_);
    EXPECT_EQ(rec_.Pop(), "N0 M110 N0*125");
    Feed("start");  // the board boots when the port opens
    EXPECT_EQ(rec_.Pop(), "N0 M110 N0*125");
    Feed("ok");
    EXPECT_EQ(rec_.Pop(), FrameLine(1, "M115"));
    Feed("FIRMWARE_NAME:Marlin 2.1.3 (sim) PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer EXTRUDER_COUNT:1");
    Feed("Cap:AUTOREPORT_TEMP:1");
    Feed("Cap:EMERGENCY_PARSER:1");
    Feed("Cap:ARCS:0");
    Feed("ok");
    EXPECT_TRUE(host_.state() == BCIIN_DEVICE_IDLE || host_.state() == BCIIN_DEVICE_PAUSED);
    EXPECT_EQ(rec_.Pop(), FrameLine(2, "M155 S2"));
    Feed("ok");
  }

  uint64_t Submit(const std::string& program, uint32_t copies = 1) {
    sdk::JobSpec job;
    job.name = "t";
    job.program = program;
    job.copies = copies;
    uint64_t id = 0;
    Status s = host_.Submit(job, now_, &id);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  Recorder rec_;
  Clock::time_point now_ = Clock::now();
  MarlinHost host_;
};

TEST_F(MarlinHostTest, HandshakeReadsIdentityAndCaps) {
  Connect();
  auto info = host_.info();
  EXPECT_EQ(info.firmware, "Marlin 2.1.3 (sim)");
  EXPECT_EQ(info.model, "3D Printer");
  EXPECT_EQ(info.protocol, "marlin/1.0");
  EXPECT_TRUE(info.capabilities & BCIIN_DEVICE_CAP_INSTANT_STOP);
  EXPECT_FALSE(info.capabilities & BCIIN_DEVICE_CAP_ARCS);
  Feed(" T:200.00 /200.00 B:60.00 /60.00 @:0 B@:0");
  ASSERT_EQ(rec_.telemetry.size(), 4u);
  EXPECT_EQ(rec_.telemetry[0].name, "hotend.temperature");
  EXPECT_EQ(rec_.telemetry[0].unit, "Cel");
}

TEST_F(MarlinHostTest, StaleOkOfSecondHelloIsNotTakenForM115) {
  host_.OnConnected(now_);
  Feed("start");  // arrives after the first hello: a second hello goes out
  Feed("ok");     // the first hello's
  EXPECT_EQ(rec_.written.back(), FrameLine(1, "M115"));
  Feed("ok");     // the second hello's, not M115's
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_CONNECTING);
  Feed("FIRMWARE_NAME:Marlin 2.1.3 PROTOCOL_VERSION:1.0");
  Feed("Cap:EMERGENCY_PARSER:1");
  Feed("ok");
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_IDLE);
  EXPECT_TRUE(host_.info().capabilities & BCIIN_DEVICE_CAP_INSTANT_STOP);
}

TEST_F(MarlinHostTest, DamagedHelloIsSentAgain) {
  host_.OnConnected(now_);
  rec_.written.clear();
  Feed("Error:checksum mismatch, Last Line: 3000");
  Feed("Resend: 3001");
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), "N0 M110 N0*125");
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(1, "M115"));
}

TEST_F(MarlinHostTest, PingPongWithResendFromHistory) {
  Connect();
  Submit("G28\nG1 X1\nG1 X2 ; c\n");
  EXPECT_EQ(rec_.Pop(), FrameLine(3, "G28"));
  EXPECT_TRUE(rec_.written.empty());  // ping-pong: one line in flight
  Feed("echo:busy: processing");
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X1"));
  Feed("Error:checksum mismatch, Last Line: 3");
  Feed("Resend: 4");
  EXPECT_TRUE(rec_.written.empty());  // waits for the ok that follows
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X1"));
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(5, "G1 X2"));
  Feed("ok");
  EXPECT_EQ(rec_.last_progress.state, BCIIN_JOB_COMPLETED);
  EXPECT_EQ(rec_.last_progress.lines_done, 3u);
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_IDLE);
  EXPECT_EQ(host_.resends_requested(), 1u);
}

TEST_F(MarlinHostTest, BadProgramRefusedBeforeAnythingIsSent) {
  Connect();
  sdk::JobSpec job;
  job.name = "bad";
  job.program = "G28\nG1 X1\nG2 X1 Y1 I1 J0\n";  // the printer reported Cap:ARCS:0
  uint64_t id = 0;
  Status s = host_.Submit(job, now_, &id);
  EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT));
  EXPECT_NE(s.message().find("line 3: arc G2 not allowed"), std::string::npos) << s.message();
  EXPECT_TRUE(rec_.written.empty());
}

TEST_F(MarlinHostTest, TimeoutsTickleThenOffline) {
  Connect();
  Submit("G1 X1\nG1 X2\n");
  EXPECT_EQ(rec_.Pop(), FrameLine(3, "G1 X1"));
  now_ += Ms(1500);
  host_.OnTick(now_);
  EXPECT_EQ(rec_.Pop(), "M105");
  Feed("ok T:20 /0");  // the tickle's ok releases the line whose ok was lost
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X2"));
  for (int i = 0; i < 3; ++i) {
    now_ += Ms(1500);
    host_.OnTick(now_);
  }
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_OFFLINE);
  EXPECT_TRUE(host_.wants_reconnect());
}

TEST_F(MarlinHostTest, LostPortPausesAtKnownLineAndResumesThere) {
  Connect();
  Submit("G1 X1\nG1 X2\nG1 X3\n");
  EXPECT_EQ(rec_.Pop(), FrameLine(3, "G1 X1"));
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X2"));
  host_.OnDisconnected(now_, "port lost");  // G1 X2 was never acknowledged
  auto p = host_.progress(now_);
  EXPECT_EQ(p.state, BCIIN_JOB_PAUSED);
  EXPECT_EQ(p.lines_done, 1u);
  EXPECT_EQ(p.source_line, 2u);
  Connect();
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_PAUSED);
  EXPECT_TRUE(rec_.written.empty());  // nothing until the operator resumes
  ASSERT_TRUE(host_.Resume(now_).ok());
  EXPECT_EQ(rec_.Pop(), FrameLine(3, "G1 X2"));
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X3"));
  Feed("ok");
  EXPECT_EQ(host_.progress(now_).state, BCIIN_JOB_COMPLETED);
}

TEST_F(MarlinHostTest, BoardResetMidJobFailsTheJob) {
  Connect();
  Submit("G1 X1\nG1 X2\n");
  rec_.Pop();
  Feed("start");
  EXPECT_EQ(host_.progress(now_).state, BCIIN_JOB_FAILED);
  EXPECT_NE(host_.progress(now_).message.find("lost its state"), std::string::npos);
  EXPECT_EQ(rec_.Pop(), "N0 M110 N0*125");
}

TEST_F(MarlinHostTest, EmergencyStopWritesM112First) {
  Connect();
  Submit("G1 X1\nG1 X2\n");
  rec_.Pop();
  ASSERT_TRUE(host_.EmergencyStop(now_).ok());
  EXPECT_EQ(rec_.Pop(), "M112");
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_STOPPED);
  EXPECT_EQ(host_.progress(now_).state, BCIIN_JOB_FAILED);
  rec_.written.clear();
  Feed("ok");  // nothing more is sent after a stop
  EXPECT_TRUE(rec_.written.empty());
}

TEST_F(MarlinHostTest, FatalErrorFailsJobAndStops) {
  Connect();
  Submit("G1 X1\nG1 X2\n");
  rec_.Pop();
  Feed("Error:Thermal Runaway, system stopped! Heater_ID: bed");
  EXPECT_EQ(host_.state(), BCIIN_DEVICE_ERROR);
  EXPECT_EQ(host_.progress(now_).state, BCIIN_JOB_FAILED);
  EXPECT_EQ(rec_.Pop(), "M112");
}

TEST_F(MarlinHostTest, CopiesRepeatTheProgram) {
  Connect();
  Submit("G1 X1\n", 2);
  EXPECT_EQ(rec_.Pop(), FrameLine(3, "G1 X1"));
  Feed("ok");
  EXPECT_EQ(rec_.Pop(), FrameLine(4, "G1 X1"));
  Feed("ok");
  EXPECT_EQ(host_.progress(now_).state, BCIIN_JOB_COMPLETED);
}

TEST_F(MarlinHostTest, PauseCapturesPositionAndLiftRestores) {
  HostOptions o = Options();
  o.pause_lift_mm = 5;
  MarlinHost host(o, &rec_, &rec_);
  host.OnConnected(now_);
  host.OnLine("ok", now_);
  host.OnLine("FIRMWARE_NAME:Marlin", now_);
  host.OnLine("ok", now_);
  host.OnLine("ok", now_);  // M155
  rec_.written.clear();
  sdk::JobSpec job;
  job.program = "G91\nG1 X1 F1200\nG1 X2\nG1 X3\n";
  uint64_t id;
  ASSERT_TRUE(host.Submit(job, now_, &id).ok());
  host.OnLine("ok", now_);
  host.OnLine("ok", now_);
  ASSERT_TRUE(host.Pause(now_).ok());
  host.OnLine("ok", now_);  // G1 X2
  rec_.written.clear();
  host.OnLine("ok", now_);  // M400
  host.OnLine("X:11.00 Y:2.00 Z:0.30 E:4.00 Count X:0 Y:0 Z:0", now_);
  for (int i = 0; i < 4; ++i) host.OnLine("ok", now_);
  rec_.written.clear();
  ASSERT_TRUE(host.Resume(now_).ok());
  std::vector<std::string> sent;
  for (int i = 0; i < 8; ++i) {
    std::string l = rec_.Pop();
    sent.push_back(l.substr(l.find(' ') + 1, l.find('*') - l.find(' ') - 1));
    host.OnLine("ok", now_);
  }
  std::vector<std::string> want = {"G90", "G1 X11.000 Y2.000 F6000", "G1 Z0.300 F6000", "G92 E4.00000",
                                   "G91", "M83", "G1 F1200", "G1 X3"};
  EXPECT_EQ(sent, want);
}

}  // namespace
