// The cnc-grbl driver end to end: the device class behind the C device service, talking to
// bciin-sim-grbl over a real pseudo-terminal.
#include "grbl_device.h"

#include "process.hpp"

#include <bciin/sdk/device.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <cctype>
#include <sstream>
#include <thread>

namespace bciin::grbl {
namespace {

using namespace std::chrono_literals;
using testing::Process;
using testing::TempDir;

// A driver that opens GrblDevices, so the test goes through the C service table as the host does.
class TestDriver : public sdk::DeviceDriver {
 public:
  Status Open(const sdk::DeviceConfig& config, sdk::DeviceEvents events, std::unique_ptr<sdk::Device>* out) override {
    auto device = std::make_unique<GrblDevice>(config, events, nullptr);
    last = device.get();
    *out = std::move(device);
    return Status::Ok();
  }
  GrblDevice* last = nullptr;
};

std::string Program() {
  return testing::ReadFile(testing::SharedData() / "gcode" / "cncjs-circle-diamond-square-calibration.gcode");
}

// The program's commands, stripped independently of the driver: N numbers and ( ) comments
// removed, blank lines skipped.
std::vector<std::string> ExpectedLines(const std::string& program) {
  std::vector<std::string> out;
  std::istringstream in(program);
  std::string line;
  while (std::getline(in, line)) {
    for (size_t open; (open = line.find('(')) != std::string::npos;) {
      size_t close = line.find(')', open);
      line.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
    }
    if (!line.empty() && line[0] == 'N') {
      size_t i = 1;
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
      while (i < line.size() && line[i] == ' ') ++i;
      line.erase(0, i);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> ReadLines(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::istringstream in(testing::ReadFile(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class GrblE2E : public ::testing::Test {
 protected:
  void StartSim(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", port(), "--record", (dir_ / "record.txt").string(),
                                     "--stats", (dir_ / "stats.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    sim_ = std::make_unique<Process>(testing::Program("bciin-sim-grbl"), args);
    ASSERT_TRUE(sim_->WaitForOutput("ready on", 10s)) << sim_->Output();
  }
  void StopSim() {
    sim_->Signal(SIGTERM);
    EXPECT_EQ(sim_->Wait(10s), 0) << sim_->Output();
  }
  std::string port() const { return (dir_ / "ttyGRBL").string(); }

  void Open(std::map<std::string, std::string> options = {}) {
    sdk::DeviceConfig config;
    config.name = "cnc1";
    config.port = port();
    config.options = std::move(options);
    bciin_device_listener listener{sizeof(listener), this, nullptr, nullptr, nullptr, nullptr};
    Status s = sdk::DeviceHandle::Open(reinterpret_cast<const bciin_device_driver_service*>(service_.header()),
                                       config, listener, &device_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << Status().message();
  }

  sdk::DeviceStatus DeviceStatus() {
    sdk::DeviceStatus s;
    EXPECT_TRUE(device_.GetStatus(&s).ok());
    return s;
  }
  sdk::JobProgress Progress() {
    sdk::JobProgress p;
    EXPECT_TRUE(device_.GetProgress(&p).ok());
    return p;
  }
  bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return bciin::testing::WaitUntil(done, timeout);
  }
  bool WaitState(bciin_device_state state, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return DeviceStatus().state == state; }, timeout);
  }
  bool WaitJob(bciin_job_state state, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return Progress().state == state; }, timeout);
  }
  nlohmann::json SimStats() { return nlohmann::json::parse(testing::ReadFile(dir_ / "stats.json")); }

  uint64_t Submit(const std::string& program) {
    sdk::JobSpec job;
    job.name = "calibration";
    job.program = program;
    uint64_t id = 0;
    Status s = device_.SubmitJob(job, &id);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  TempDir dir_;
  std::unique_ptr<Process> sim_;
  TestDriver driver_;
  sdk::DeviceDriverService service_{&driver_};
  sdk::DeviceHandle device_;
};

// The time scale that runs the calibration program in a few seconds.
const std::vector<std::string> kFast = {"--time-scale", "0.002"};

TEST_F(GrblE2E, CalibrationProgramRunsExactlyWithoutOverflow) {
  StartSim(kFast);
  Open();
  const std::string program = Program();
  Submit(program);
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 120s)) << Progress().message;
  sdk::JobProgress p = Progress();
  EXPECT_EQ(p.lines_total, 987u);
  EXPECT_EQ(p.lines_done, 987u);
  EXPECT_EQ(DeviceStatus().state, BCIIN_DEVICE_IDLE);
  ControllerSnapshot snap = driver_.last->Snapshot();
  EXPECT_LE(snap.max_buffer_fill, 123u);
  EXPECT_GT(snap.max_buffer_fill, 100u);  // the buffer was kept full
  device_.Close();
  StopSim();
  EXPECT_EQ(ReadLines(dir_ / "record.txt"), ExpectedLines(program));
  auto stats = SimStats();
  EXPECT_EQ(stats["overflow_bytes"], 0);
  EXPECT_LE(stats["max_rx_fill"].get<int>(), 128);
  EXPECT_EQ(stats["lines_executed"], 987);
}

TEST_F(GrblE2E, FeedHoldThenResumeCompletesExactly) {
  StartSim(kFast);
  Open();
  const std::string program = Program();
  Submit(program);
  ASSERT_TRUE(WaitFor([&] { return Progress().lines_done > 200; }, 60s));
  ASSERT_TRUE(device_.Pause().ok());
  EXPECT_EQ(DeviceStatus().state, BCIIN_DEVICE_PAUSED);
  ASSERT_TRUE(WaitFor([&] {
    auto s = driver_.last->Snapshot().status;
    return s.state == MachineState::kHold && s.substate == 0;
  }, 5s));
  std::this_thread::sleep_for(300ms);  // let the stats catch up with the hold
  int executed = SimStats()["lines_executed"];
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(SimStats()["lines_executed"], executed) << "the machine moved during the hold";
  EXPECT_LT(executed, 987);
  ASSERT_TRUE(device_.Resume().ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 120s)) << Progress().message;
  device_.Close();
  StopSim();
  EXPECT_EQ(ReadLines(dir_ / "record.txt"), ExpectedLines(program));
  EXPECT_EQ(SimStats()["overflow_bytes"], 0);
}

TEST_F(GrblE2E, AlarmMidJobStopsTheJobWithTheReason) {
  StartSim({"--time-scale", "0.002", "--alarm-at-line", "300"});
  Open();
  Submit(Program());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_FAILED, 60s)) << Progress().message;
  EXPECT_NE(Progress().message.find("ALARM:1 (hard limit triggered, position lost)"), std::string::npos)
      << Progress().message;
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_ERROR, 5s));
  EXPECT_NE(DeviceStatus().message.find("ALARM:1"), std::string::npos) << DeviceStatus().message;
  // A new job is refused until the machine is reset.
  sdk::JobSpec job;
  job.program = "G0 X1\n";
  uint64_t id = 0;
  EXPECT_FALSE(device_.SubmitJob(job, &id).ok());
  ASSERT_TRUE(device_.Reset().ok());
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  device_.Close();
  StopSim();
  EXPECT_EQ(ReadLines(dir_ / "record.txt").size(), 299u);
}

TEST_F(GrblE2E, CancelLeavesTheMachineIdle) {
  StartSim(kFast);
  Open();
  Submit(Program());
  ASSERT_TRUE(WaitFor([&] { return Progress().lines_done > 100; }, 60s));
  ASSERT_TRUE(device_.Cancel().ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_CANCELLED, 20s)) << Progress().message;
  ASSERT_TRUE(WaitFor([&] { return driver_.last->Snapshot().status.state == MachineState::kIdle; }, 5s));
  EXPECT_EQ(DeviceStatus().state, BCIIN_DEVICE_IDLE);
  std::this_thread::sleep_for(300ms);
  int executed = SimStats()["lines_executed"];
  EXPECT_LT(executed, 987);
  // The machine takes the next job.
  Submit("G0 X0 Y0\nG1 X1 F500\n");
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 20s)) << Progress().message;
  device_.Close();
  StopSim();
  auto record = ReadLines(dir_ / "record.txt");
  ASSERT_GE(record.size(), 2u);
  EXPECT_EQ(record.back(), "G1 X1 F500");
}

TEST_F(GrblE2E, EmergencyStopMidJobThenReset) {
  StartSim(kFast);
  Open();
  Submit(Program());
  ASSERT_TRUE(WaitFor([&] { return Progress().lines_done > 100; }, 60s));
  ASSERT_TRUE(device_.EmergencyStop().ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_FAILED, 5s)) << Progress().message;
  EXPECT_EQ(Progress().message, "emergency stop");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_STOPPED, 5s)) << DeviceStatus().message;
  std::this_thread::sleep_for(300ms);
  int executed = SimStats()["lines_executed"];
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(SimStats()["lines_executed"], executed) << "the machine kept moving after the e-stop";
  EXPECT_GE(SimStats()["resets"].get<int>(), 1);
  ASSERT_TRUE(device_.Reset().ok());
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  Submit("G1 X1 F500\n");
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 10s)) << Progress().message;
}

TEST_F(GrblE2E, ErrorMidJobFailsWithTheLineAndReason) {
  StartSim({"--time-scale", "0.002", "--error-at-line", "50:33"});
  Open();
  Submit(Program());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_FAILED, 60s)) << Progress().message;
  EXPECT_NE(Progress().message.find("error:33 (invalid motion target)"), std::string::npos) << Progress().message;
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
}

TEST_F(GrblE2E, RefusesAnInvalidJobBeforeSending) {
  StartSim();
  Open();
  sdk::JobSpec job;
  job.program = "G0 X0\nG81 X1 Y1 Z-1 R1\n";
  uint64_t id = 0;
  Status s = device_.SubmitJob(job, &id);
  EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT));
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.ToString();
  device_.Close();
  StopSim();
  EXPECT_EQ(SimStats()["lines_received"], 0);
}

TEST_F(GrblE2E, SettingsReadAndWritten) {
  StartSim();
  Open();
  ASSERT_TRUE(device_.ConsoleSend("$110=800").ok());
  ASSERT_TRUE(device_.ConsoleSend("$$").ok());
  ASSERT_TRUE(WaitFor([&] {
    auto s = driver_.last->Snapshot().settings;
    return s.count(110) && s[110] == "800";
  }, 5s));
  sdk::DeviceInfo info;
  ASSERT_TRUE(device_.Describe(&info).ok());
  EXPECT_EQ(info.firmware, "Grbl 1.1h");
  EXPECT_NE(info.firmware_caps.find("$110=800"), std::string::npos);
}

TEST_F(GrblE2E, AlarmLockAtStartUpThenHoming) {
  StartSim({"--homing"});
  sdk::DeviceConfig config;
  config.name = "cnc1";
  config.port = port();
  bciin_device_listener listener{sizeof(listener), this, nullptr, nullptr, nullptr, nullptr};
  ASSERT_TRUE(sdk::DeviceHandle::Open(reinterpret_cast<const bciin_device_driver_service*>(service_.header()),
                                      config, listener, &device_)
                  .ok());
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_ERROR, 10s)) << DeviceStatus().message;
  EXPECT_TRUE(driver_.last->Snapshot().alarm_locked);
  sdk::JobSpec job;
  job.program = "G0 X1\n";
  uint64_t id = 0;
  Status refused = device_.SubmitJob(job, &id);
  EXPECT_TRUE(refused.is(BCIIN_ERR_REJECTED)) << refused.ToString();
  ASSERT_TRUE(device_.ConsoleSend("$H").ok());
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  Submit("G0 X1\n");
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 10s)) << Progress().message;
}

TEST_F(GrblE2E, ConnectionLostMidJobFailsItThenReconnects) {
  StartSim(kFast);
  Open({{"reconnect_interval_ms", "100"}});
  Submit(Program());
  ASSERT_TRUE(WaitFor([&] { return Progress().lines_done > 50; }, 60s));
  sim_->Signal(SIGKILL);
  sim_->Wait(5s);
  ASSERT_TRUE(WaitJob(BCIIN_JOB_FAILED, 10s)) << Progress().message;
  EXPECT_NE(Progress().message.find("connection lost at line"), std::string::npos) << Progress().message;
  EXPECT_NE(Progress().message.find("cannot resume"), std::string::npos) << Progress().message;
  StartSim();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 15s)) << DeviceStatus().message;
  EXPECT_EQ(DeviceStatus().reconnects, 1u);
  Submit("G1 X1 F500\n");
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 10s)) << Progress().message;
}

TEST_F(GrblE2E, ReconnectsAfterTheControllerGoesAway) {
  StartSim();
  Open({{"reconnect_interval_ms", "100"}});
  sim_->Signal(SIGKILL);
  sim_->Wait(5s);
  ASSERT_TRUE(WaitFor([&] {
    auto s = DeviceStatus().state;
    return s == BCIIN_DEVICE_DISCONNECTED || s == BCIIN_DEVICE_OFFLINE;
  }, 10s)) << DeviceStatus().message;
  StartSim();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 15s)) << DeviceStatus().message;
  EXPECT_EQ(DeviceStatus().reconnects, 1u);
}

}  // namespace
}  // namespace bciin::grbl
