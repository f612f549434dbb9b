// The whole device stack for Modbus sensors and rules: bciin-sim-modbus on a pty, the
// sensor-modbus plugin in a bciin-device-worker process under the DeviceManager, and the
// manager's telemetry events fed to the sensor rules as the sensor-rules plugin does.
#include "device_manager.hpp"
#include "process.hpp"
#include "rule_bus.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>

namespace {

using namespace bciin;
using namespace bciin::devices;
using namespace std::chrono_literals;
namespace bt = bciin::testing;

TEST(ModbusManagerE2E, TelemetryThroughTheWorkerFeedsTheRules) {
  bt::TempDir tmp;
  std::string port = (tmp / "ttyMODBUS").string();
  auto control = tmp / "control.txt";
  bt::Process sim(bt::Program("bciin-sim-modbus"), {"--port", port, "--control", control.string(), "--slave", "1",
                                                    "--input", "1=const:600", "--input", "2=const:412"});
  ASSERT_TRUE(sim.WaitForOutput("ready on", 10s)) << sim.Output();

  sensors::RuleEngine rules;
  sensors::Rule rule;
  ASSERT_TRUE(sensors::ParseRule("spindle-hot: sensor1.temperature > 80 for 3 hysteresis 2", &rule).ok());
  ASSERT_TRUE(rules.AddRule(rule).ok());
  std::mutex mu;
  std::vector<sensors::RuleEvent> events;
  int temperature_samples = 0;
  double last_temperature = 0;

  ManagerOptions o;
  const char* plugins = std::getenv("BCIIN_PLUGIN_DIR");
  ASSERT_NE(plugins, nullptr);
  o.plugin_dir = plugins;
  o.worker_path = bt::Program("bciin-device-worker");
  o.data_dir = tmp.path().string();
  o.heartbeat_interval = 200ms;
  o.heartbeat_timeout = 3000ms;
  o.call_timeout = 3000ms;
  DeviceManager manager(
      o,
      [&](const std::string& topic, const nlohmann::json& payload) {
        std::lock_guard<std::mutex> lock(mu);
        Status s = sensors::HandleDeviceEvent(&rules, topic, payload.dump(), &events);
        EXPECT_TRUE(s.ok()) << s.ToString();
        if (topic == "device.sensor1.telemetry")
          for (const auto& v : payload["values"])
            if (v["name"] == "temperature") ++temperature_samples, last_temperature = v["value"].get<double>();
      },
      nullptr);
  DeviceSpec spec;
  spec.name = "sensor1";
  spec.driver = "sensor-modbus";
  spec.port = port;
  spec.options = {{"channel.temperature", "slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel"},
                  {"channel.vibration", "slave=1 fc=4 reg=2 scale=0.01 unit=mm/s"},
                  {"poll_interval_ms", "50"},
                  {"response_timeout_ms", "100"},
                  {"reconnect_interval_ms", "100"}};
  ASSERT_TRUE(manager.Configure({spec}).ok());
  ASSERT_TRUE(manager.Start().ok());
  ASSERT_TRUE(manager.WaitFor("sensor1", [](const DeviceSummary& s) { return s.status.state == BCIIN_DEVICE_IDLE; },
                              20s));
  auto wait = [&](const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (done()) return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    std::lock_guard<std::mutex> lock(mu);
    return done();
  };
  ASSERT_TRUE(wait([&] { return last_temperature == 60.0; }, 10s));
  std::vector<sdk::TelemetryValue> telemetry;
  ASSERT_TRUE(manager.Telemetry("sensor1", &telemetry).ok());
  bool saw_vibration = false;
  for (const auto& t : telemetry)
    if (t.name == "vibration") saw_vibration = t.number == 4.12 && t.unit == "mm/s";
  EXPECT_TRUE(saw_vibration);

  bt::WriteFile(control, "set input 1 900\n");
  ASSERT_TRUE(wait([&] { return last_temperature == 90.0; }, 10s));
  int at = 0;
  ASSERT_TRUE(wait([&] { return at == 0 ? (at = temperature_samples, false) : temperature_samples >= at + 10; }, 10s));
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, sensors::RuleEvent::Kind::kFired);
    EXPECT_EQ(events[0].device, "sensor1");
  }
  // A silent slave: OFFLINE through the worker, then back.
  bt::WriteFile(control, "silent\n");
  ASSERT_TRUE(manager.WaitFor("sensor1", [](const DeviceSummary& s) { return s.status.state == BCIIN_DEVICE_OFFLINE; },
                              10s));
  bt::WriteFile(control, "");
  ASSERT_TRUE(manager.WaitFor("sensor1", [](const DeviceSummary& s) { return s.status.state == BCIIN_DEVICE_IDLE; },
                              10s));
  // 60 °C again: the episode ends (cleared), with no new firing.
  ASSERT_TRUE(wait([&] { return events.size() == 2u; }, 5s));
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(events[1].kind, sensors::RuleEvent::Kind::kCleared);
  }
  manager.Stop();
}

}  // namespace
