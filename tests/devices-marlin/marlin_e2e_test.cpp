// The device stack end to end: bciin-sim-marlin on a real pty, the printer-marlin plugin in a
// bciin-device-worker process, driven through the DeviceManager as the node drives it.
#include "device_manager.hpp"
#include "process.hpp"

#include <bciin/gcode/program.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace bciin;
using namespace bciin::devices;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace bt = bciin::testing;

namespace {

fs::path PluginDir() {
  const char* v = std::getenv("BCIIN_PLUGIN_DIR");
  if (!v) {
    ADD_FAILURE() << "BCIIN_PLUGIN_DIR is not set";
    return {};
  }
  return v;
}

std::string SlicerFile() {
  return bt::ReadFile(bt::SharedData() / "gcode" / "prusaslicer-cube-with-hole.gcode");
}

std::vector<std::string> ProgramLines(const std::string& text) {
  gcode::Program p = gcode::ParseProgram(text);
  EXPECT_TRUE(p.ok()) << p.Summary();
  std::vector<std::string> out;
  for (const auto& c : p.commands) out.push_back(c.text);
  return out;
}

// The simulator's record without its event lines and without what the host sends on its own
// (handshake, identity, temperature reports, position queries).
std::vector<std::string> JobRecord(const fs::path& record, std::vector<std::string>* events = nullptr) {
  static const std::set<std::string> host_words = {"M110", "M115", "M155", "M105", "M114", "M400"};
  std::ifstream in(record);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) {
      if (events) events->push_back(line);
      continue;
    }
    if (host_words.count(line.substr(0, line.find(' ')))) continue;
    out.push_back(line);
  }
  return out;
}

class MarlinE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = (tmp_ / "ttyMARLIN").string();
    record_ = tmp_ / "record.txt";
  }
  void TearDown() override {
    if (manager_) manager_->Stop();
  }

  void StartSim(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--port", port_, "--record", record_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    sim_ = std::make_unique<bt::Process>(bt::Program("bciin-sim-marlin"), args);
    ASSERT_TRUE(sim_->WaitForOutput("ready", 10s)) << sim_->Output();
  }

  DeviceSpec Printer(std::map<std::string, std::string> extra = {}) {
    DeviceSpec p;
    p.name = "printer1";
    p.driver = "printer-marlin";
    p.port = port_;
    p.options = {{"timeout_ms", "3000"}, {"reconnect_interval_ms", "100"}, {"handshake_timeout_ms", "1000"},
                 {"temperature_interval_s", "1"}, {"progress_interval_ms", "50"}};
    for (auto& [k, v] : extra) p.options[k] = v;
    return p;
  }

  void StartManager(std::vector<DeviceSpec> specs, fs::path plugin_dir = {}) {
    ManagerOptions o;
    o.plugin_dir = plugin_dir.empty() ? PluginDir() : plugin_dir;
    o.worker_path = bt::Program("bciin-device-worker");
    o.data_dir = tmp_.path().string();
    o.heartbeat_interval = 200ms;
    o.heartbeat_timeout = 3000ms;
    o.call_timeout = 3000ms;
    o.restart_backoff_initial = 100ms;
    manager_ = std::make_unique<DeviceManager>(
        o,
        [this](const std::string& topic, const nlohmann::json&) {
          std::lock_guard<std::mutex> lock(mu_);
          topics_.insert(topic);
        },
        nullptr);
    ASSERT_TRUE(manager_->Configure(std::move(specs)).ok());
    ASSERT_TRUE(manager_->Start().ok());
  }

  bool WaitState(const std::string& name, bciin_device_state state, std::chrono::milliseconds timeout) {
    return manager_->WaitFor(name, [&](const DeviceSummary& s) { return s.status.state == state; }, timeout);
  }
  bool WaitJob(bciin_job_state state, std::chrono::milliseconds timeout) {
    return manager_->WaitFor("printer1", [&](const DeviceSummary& s) { return s.progress.state == state; }, timeout);
  }
  std::string Describe(const std::string& name) {
    DeviceSummary s;
    manager_->Summary(name, &s);
    return fmt::format("state {} ({}), job {} {} {}/{}: {}; restarts {} {}", sdk::DeviceStateName(s.status.state),
                       s.status.message, s.progress.job_id, sdk::JobStateName(s.progress.state), s.progress.lines_done,
                       s.progress.lines_total, s.progress.message, s.restarts, s.last_failure);
  }

  bt::TempDir tmp_;
  std::string port_;
  fs::path record_;
  std::unique_ptr<bt::Process> sim_;
  std::unique_ptr<DeviceManager> manager_;
  std::mutex mu_;
  std::set<std::string> topics_;
};

TEST_F(MarlinE2E, SlicerFilePrintsExactlyThroughLineNoise) {
  StartSim({"--time-scale", "0.001", "--noise", "0.05", "--seed", "7"});
  StartManager({Printer()});
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_IDLE, 20s)) << Describe("printer1");

  sdk::DeviceInfo info;
  ASSERT_TRUE(manager_->Describe("printer1", &info).ok());
  EXPECT_NE(info.firmware.find("Marlin"), std::string::npos);
  EXPECT_TRUE(info.capabilities & BCIIN_DEVICE_CAP_INSTANT_STOP);

  const std::string program = SlicerFile();
  sdk::JobSpec job;
  job.name = "prusaslicer-cube-with-hole.gcode";
  job.program = program;
  uint64_t id = 0;
  ASSERT_TRUE(manager_->SubmitJob("printer1", job, &id).ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 200s)) << Describe("printer1");

  sdk::JobProgress p;
  ASSERT_TRUE(manager_->GetProgress("printer1", &p).ok());
  EXPECT_EQ(p.lines_done, p.lines_total);
  EXPECT_EQ(p.remaining_ms, 0);

  std::this_thread::sleep_for(200ms);  // the simulator flushes its record
  std::vector<std::string> want = ProgramLines(program);
  std::vector<std::string> got = JobRecord(record_);
  ASSERT_EQ(got.size(), want.size()) << "lines lost or doubled";
  EXPECT_TRUE(got == want) << "the record differs from the program";

  sim_->Signal(SIGTERM);
  ASSERT_EQ(sim_->Wait(10s), 0);
  std::string out = sim_->Output();
  EXPECT_EQ(out.find("resends=0 "), std::string::npos) << "noise should have caused resends: " << out;

  std::vector<sdk::TelemetryValue> telemetry;
  ASSERT_TRUE(manager_->Telemetry("printer1", &telemetry).ok());
  bool hotend = false;
  for (const auto& v : telemetry) hotend = hotend || (v.name == "hotend.temperature" && v.unit == "Cel");
  EXPECT_TRUE(hotend);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(topics_.count("device.printer1.progress"));
  EXPECT_TRUE(topics_.count("device.printer1.telemetry"));
}

TEST_F(MarlinE2E, DisconnectPausesAtKnownLineAndResumesExactly) {
  StartSim({"--time-scale", "0.001", "--disconnect-after", "3000", "--reconnect-delay-ms", "400"});
  StartManager({Printer()});
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_IDLE, 20s)) << Describe("printer1");
  const std::string program = SlicerFile();
  sdk::JobSpec job;
  job.name = "cube";
  job.program = program;
  uint64_t id = 0;
  ASSERT_TRUE(manager_->SubmitJob("printer1", job, &id).ok());

  ASSERT_TRUE(WaitJob(BCIIN_JOB_PAUSED, 60s)) << Describe("printer1");
  // Back on the same path, handshaken, and still paused: only the operator resumes.
  ASSERT_TRUE(manager_->WaitFor("printer1", [](const DeviceSummary& s) {
    return s.status.state == BCIIN_DEVICE_PAUSED && s.status.message.find("reconnected") != std::string::npos;
  }, 20s)) << Describe("printer1");
  std::this_thread::sleep_for(300ms);
  sdk::JobProgress paused;
  ASSERT_TRUE(manager_->GetProgress("printer1", &paused).ok());
  EXPECT_EQ(paused.state, BCIIN_JOB_PAUSED);

  std::vector<std::string> want = ProgramLines(program);
  std::vector<std::string> events;
  std::vector<std::string> before = JobRecord(record_, &events);
  // The known line: everything the printer confirmed, nothing more, nothing twice.
  ASSERT_EQ(before.size(), paused.lines_done);
  EXPECT_TRUE(std::equal(before.begin(), before.end(), want.begin()));
  EXPECT_NE(std::find(events.begin(), events.end(), "# disconnect"), events.end());

  ASSERT_TRUE(manager_->Resume("printer1").ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 200s)) << Describe("printer1");
  std::this_thread::sleep_for(200ms);
  std::vector<std::string> got = JobRecord(record_);
  ASSERT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want);
  DeviceSummary s;
  ASSERT_TRUE(manager_->Summary("printer1", &s).ok());
  EXPECT_GE(s.status.reconnects, 1u);
}

TEST_F(MarlinE2E, EmergencyStopHaltsTheSimulatorWithin100ms) {
  StartSim({"--time-scale", "0.05"});  // slow moves: the job is surely mid-way
  StartManager({Printer()});
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_IDLE, 20s)) << Describe("printer1");
  sdk::JobSpec job;
  job.name = "cube";
  job.program = SlicerFile();
  uint64_t id = 0;
  ASSERT_TRUE(manager_->SubmitJob("printer1", job, &id).ok());
  ASSERT_TRUE(manager_->WaitFor("printer1", [](const DeviceSummary& s) { return s.progress.lines_done > 40; }, 60s))
      << Describe("printer1");

  const int64_t t0 = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::steady_clock::now().time_since_epoch()).count();
  ASSERT_TRUE(manager_->EmergencyStop("printer1").ok());
  int64_t halt_ns = 0;
  size_t after_halt = 0;
  for (int i = 0; i < 100 && halt_ns == 0; ++i) {
    std::this_thread::sleep_for(20ms);
    std::ifstream in(record_);
    std::string line;
    bool halted = false;
    after_halt = 0;
    while (std::getline(in, line)) {
      if (line.rfind("# halt ", 0) == 0) {
        halt_ns = std::stoll(line.substr(7));
        halted = true;
      } else if (halted && line[0] != '#') {
        ++after_halt;
      }
    }
  }
  ASSERT_NE(halt_ns, 0) << "the simulator never halted";
  const double ms = (halt_ns - t0) / 1e6;
  // A protocol fact, with a wide margin: M112 goes out unnumbered, ahead of any queue, and the
  // emergency parser acts as it arrives. Typical figure: well under 10 ms.
  EXPECT_LT(ms, 100.0) << "halted " << ms << " ms after the stop request";
  EXPECT_GE(ms, 0.0);
  EXPECT_EQ(after_halt, 0u) << "commands ran after the halt";
  RecordProperty("estop_latency_ms", std::to_string(ms));
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_STOPPED, 5s)) << Describe("printer1");
  EXPECT_TRUE(WaitJob(BCIIN_JOB_FAILED, 5s));
}

TEST_F(MarlinE2E, BadProgramRefusedBeforeAnythingIsSent) {
  StartSim({"--time-scale", "0.001"});
  StartManager({Printer()});
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_IDLE, 20s)) << Describe("printer1");
  sdk::JobSpec job;
  job.name = "bad.gcode";
  job.program = "G28 ; home\nG1 Z5 F5000\nM104 S200\n; a comment\nG2 X10 Y10 F1200\nG1 X1\n";
  uint64_t id = 0;
  Status s = manager_->SubmitJob("printer1", job, &id);
  ASSERT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT)) << s.ToString();
  EXPECT_NE(s.message().find("line 5: arc G2 has neither I/J nor R"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("nothing was sent"), std::string::npos) << s.message();
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(JobRecord(record_).empty()) << "a line of the refused job reached the printer";
  // A non-ASCII byte and an over-long line are refused the same way.
  job.program = "G28\nM117 caf\xc3\xa9\n";
  s = manager_->CheckJob("printer1", job);
  EXPECT_NE(s.message().find("line 2: non-ASCII"), std::string::npos) << s.message();
  sdk::DeviceStatus st;
  ASSERT_TRUE(manager_->GetStatus("printer1", &st).ok());
  EXPECT_EQ(st.state, BCIIN_DEVICE_IDLE);
}

TEST_F(MarlinE2E, CrashingOrHangingDriverIsRestartedAndTheHostKeepsServing) {
  // One plugin folder with the real printer driver and the faulty test driver.
  fs::path plugins = tmp_ / "plugins";
  fs::create_directories(plugins);
  for (const char* f : {"printer-marlin.so", "printer-marlin.json"}) fs::create_symlink(PluginDir() / f, plugins / f);
  for (const char* f : {"test-faulty-driver.so", "test-faulty-driver.json"}) {
    fs::create_symlink(fs::path(BCIIN_TEST_FAULTY_PLUGIN_DIR) / f, plugins / f);
  }
  StartSim({"--time-scale", "0.001"});
  DeviceSpec crashy{"crashy", "test-faulty-driver", "", 0, {{"crash_on", "submit"}}};
  DeviceSpec hangy{"hangy", "test-faulty-driver", "", 0, {{"hang_on", "status"}}};
  StartManager({Printer(), crashy, hangy}, plugins);
  ASSERT_TRUE(WaitState("printer1", BCIIN_DEVICE_IDLE, 20s)) << Describe("printer1");
  ASSERT_TRUE(WaitState("crashy", BCIIN_DEVICE_IDLE, 20s)) << Describe("crashy");

  // A segfault inside the driver: the call fails, the node does not.
  sdk::JobSpec job;
  job.program = "G28\n";
  uint64_t id = 0;
  Status s = manager_->SubmitJob("crashy", job, &id);
  EXPECT_FALSE(s.ok());
  ASSERT_TRUE(manager_->WaitFor("crashy", [](const DeviceSummary& d) { return d.restarts >= 1 && d.driver_running; },
                                20s)) << Describe("crashy");
  DeviceSummary d;
  ASSERT_TRUE(manager_->Summary("crashy", &d).ok());
  // SIGSEGV, or exit 1 when AddressSanitizer reports the fault first.
  EXPECT_NE(d.last_failure.find("driver process"), std::string::npos) << d.last_failure;
  sdk::DeviceInfo info;
  EXPECT_TRUE(manager_->Describe("crashy", &info).ok());

  // A driver call that never returns: timed out, the worker killed and replaced.
  sdk::DeviceStatus st;
  s = manager_->GetStatus("hangy", &st);
  EXPECT_TRUE(s.is(BCIIN_ERR_TIMEOUT)) << s.ToString();
  ASSERT_TRUE(manager_->WaitFor("hangy", [](const DeviceSummary& h) { return h.restarts >= 1 && h.driver_running; },
                                20s)) << Describe("hangy");
  EXPECT_TRUE(manager_->Describe("hangy", &info).ok());

  // Meanwhile the printer kept serving.
  ASSERT_TRUE(manager_->GetStatus("printer1", &st).ok());
  EXPECT_EQ(st.state, BCIIN_DEVICE_IDLE);
  job.program = "G28\nG1 X10 Y10 F3000\nG1 X20\n";
  ASSERT_TRUE(manager_->SubmitJob("printer1", job, &id).ok());
  ASSERT_TRUE(WaitJob(BCIIN_JOB_COMPLETED, 30s)) << Describe("printer1");
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(topics_.count("device.crashy.driver"));
}

}  // namespace
