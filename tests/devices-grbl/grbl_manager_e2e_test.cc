// The whole device stack for GRBL: bciin-sim-grbl on a pty, the cnc-grbl plugin loaded by a
// bciin-device-worker process, driven through the DeviceManager as the node drives it.
#include "device_manager.hpp"
#include "process.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>

namespace {

using namespace bciin;
using namespace bciin::devices;
using namespace std::chrono_literals;
namespace bt = bciin::testing;

std::filesystem::path PluginDir() {
  const char* v = std::getenv("BCIIN_PLUGIN_DIR");
  if (!v) ADD_FAILURE() << "BCIIN_PLUGIN_DIR is not set";
  return v ? v : "";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(GrblManagerE2E, CalibrationJobThroughTheWorkerProcess) {
  bt::TempDir tmp;
  std::string port = (tmp / "ttyGRBL").string();
  bt::Process sim(bt::Program("bciin-sim-grbl"),
                  {"--port", port, "--time-scale", "0.002", "--record", (tmp / "record.txt").string()});
  ASSERT_TRUE(sim.WaitForOutput("ready on", 10s)) << sim.Output();

  ManagerOptions o;
  o.plugin_dir = PluginDir();
  o.worker_path = bt::Program("bciin-device-worker");
  o.data_dir = tmp.path().string();
  o.heartbeat_interval = 200ms;
  o.heartbeat_timeout = 3000ms;
  o.call_timeout = 3000ms;
  std::mutex mu;
  std::set<std::string> topics;
  DeviceManager manager(
      o,
      [&](const std::string& topic, const nlohmann::json&) {
        std::lock_guard<std::mutex> lock(mu);
        topics.insert(topic);
      },
      nullptr);
  DeviceSpec cnc;
  cnc.name = "cnc1";
  cnc.driver = "cnc-grbl";
  cnc.port = port;
  cnc.options = {{"reconnect_interval_ms", "100"}};
  ASSERT_TRUE(manager.Configure({cnc}).ok());
  ASSERT_TRUE(manager.Start().ok());
  auto state_is = [&](bciin_device_state st) {
    return [st](const DeviceSummary& s) { return s.status.state == st; };
  };
  ASSERT_TRUE(manager.WaitFor("cnc1", state_is(BCIIN_DEVICE_IDLE), 20s));

  const std::string program =
      bt::ReadFile(bt::SharedData() / "gcode" / "cncjs-circle-diamond-square-calibration.gcode");
  sdk::JobSpec job;
  job.name = "calibration";
  job.program = program;
  uint64_t id = 0;
  Status s = manager.SubmitJob("cnc1", job, &id);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(manager.WaitFor("cnc1", [](const DeviceSummary& d) { return d.progress.state == BCIIN_JOB_COMPLETED; },
                              120s));
  sdk::JobProgress p;
  ASSERT_TRUE(manager.GetProgress("cnc1", &p).ok());
  EXPECT_EQ(p.lines_done, 987u);
  std::vector<sdk::TelemetryValue> telemetry;
  ASSERT_TRUE(manager.Telemetry("cnc1", &telemetry).ok());
  std::set<std::string> names;
  for (const auto& t : telemetry) names.insert(t.name);
  EXPECT_TRUE(names.count("wpos.x") && names.count("state") && names.count("feed"));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_TRUE(topics.count("device.cnc1.telemetry"));
    EXPECT_TRUE(topics.count("device.cnc1.progress"));
  }
  manager.Stop();
  sim.Signal(SIGTERM);
  EXPECT_EQ(sim.Wait(10s), 0);
  EXPECT_EQ(Lines(bt::ReadFile(tmp / "record.txt")).size(), 987u);
}

}  // namespace
