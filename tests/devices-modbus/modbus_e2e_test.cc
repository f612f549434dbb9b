// The sensor-modbus driver end to end: the device behind the C device service, polling
// bciin-sim-modbus over a real pseudo-terminal, its telemetry feeding the sensor rules.
#include "process.hpp"
#include "sensor_device.h"
#include "sensor_rules.h"

#include <bciin/sdk/device.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <functional>
#include <mutex>
#include <thread>

namespace bciin::modbus {
namespace {

using namespace std::chrono_literals;
using testing::Process;
using testing::TempDir;

class TestDriver : public sdk::DeviceDriver {
 public:
  Status Open(const sdk::DeviceConfig& config, sdk::DeviceEvents events, std::unique_ptr<sdk::Device>* out) override {
    auto device = std::make_unique<ModbusSensorDevice>(config, events, nullptr);
    last = device.get();
    *out = std::move(device);
    return Status::Ok();
  }
  ModbusSensorDevice* last = nullptr;
};

struct Sample {
  double value;
  std::string unit;
  std::string text;
};

class ModbusE2E : public ::testing::Test {
 protected:
  void StartSim(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--port", port(), "--control", control().string(), "--stats",
                                     (dir_ / "stats.json").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    sim_ = std::make_unique<Process>(testing::Program("bciin-sim-modbus"), args);
    ASSERT_TRUE(sim_->WaitForOutput("ready on", 10s)) << sim_->Output();
  }
  std::string port() const { return (dir_ / "ttyMODBUS").string(); }
  std::filesystem::path control() const { return dir_ / "control.txt"; }
  void Control(const std::string& text) { testing::WriteFile(control(), text); }

  void Open(std::map<std::string, std::string> extra = {}) {
    sdk::DeviceConfig config;
    config.name = "sensor1";
    config.port = port();
    config.options = {{"channel.temperature", "slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel"},
                      {"channel.vibration", "slave=1 fc=4 reg=2 type=u16 scale=0.01 unit=mm/s"},
                      {"poll_interval_ms", "50"},
                      {"response_timeout_ms", "100"},
                      {"failures_unreachable", "3"},
                      {"reconnect_interval_ms", "100"}};
    for (auto& [k, v] : extra) config.options[k] = v;
    bciin_device_listener listener{sizeof(listener), this, nullptr, nullptr, &OnTelemetry, nullptr};
    Status s = sdk::DeviceHandle::Open(reinterpret_cast<const bciin_device_driver_service*>(service_.header()),
                                       config, listener, &device_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static void OnTelemetry(void* user, const bciin_telemetry_value* values, uint32_t count) {
    auto* self = static_cast<ModbusE2E*>(user);
    std::lock_guard<std::mutex> lock(self->mu_);
    for (uint32_t i = 0; i < count; ++i) {
      const bciin_telemetry_value& v = values[i];
      self->latest_[v.name] = Sample{v.number, v.unit, v.text ? v.text : ""};
      if (v.type == BCIIN_TELEMETRY_NUMBER) {
        ++self->samples_[v.name];
        self->rules_.OnSample("sensor1", v.name, v.number, &self->events_);
      }
    }
  }

  std::optional<Sample> Latest(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = latest_.find(name);
    if (it == latest_.end()) return std::nullopt;
    return it->second;
  }
  int Samples(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return samples_[name];
  }
  std::vector<sensors::RuleEvent> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  sdk::DeviceStatus DeviceStatus() {
    sdk::DeviceStatus s;
    EXPECT_TRUE(device_.GetStatus(&s).ok());
    return s;
  }
  bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    return bciin::testing::WaitUntil(done, timeout);
  }
  bool WaitState(bciin_device_state state, std::chrono::milliseconds timeout) {
    return WaitFor([&] { return DeviceStatus().state == state; }, timeout);
  }
  // Waits until `n` more samples of `name` arrived.
  bool WaitSamples(const std::string& name, int n, std::chrono::milliseconds timeout = 10s) {
    int target = Samples(name) + n;
    return WaitFor([&] { return Samples(name) >= target; }, timeout);
  }

  TempDir dir_;
  std::unique_ptr<Process> sim_;
  TestDriver driver_;
  sdk::DeviceDriverService service_{&driver_};
  std::mutex mu_;
  std::map<std::string, Sample> latest_;
  std::map<std::string, int> samples_;
  sensors::RuleEngine rules_;
  std::vector<sensors::RuleEvent> events_;
  sdk::DeviceHandle device_;  // last: closed first, before what its callbacks touch
};

TEST_F(ModbusE2E, ReadsTemperatureAndVibrationWithScaleAndUnits) {
  StartSim({"--slave", "1", "--input", "1=const:235", "--input", "2=const:412"});
  Open();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  ASSERT_TRUE(WaitSamples("temperature", 2));
  auto t = Latest("temperature");
  auto v = Latest("vibration");
  ASSERT_TRUE(t && v);
  EXPECT_DOUBLE_EQ(t->value, 23.5);
  EXPECT_EQ(t->unit, "Cel");
  EXPECT_DOUBLE_EQ(v->value, 4.12);
  EXPECT_EQ(v->unit, "mm/s");
  EXPECT_EQ(Latest("slave1.health")->text, "online");
  sdk::DeviceInfo info;
  ASSERT_TRUE(device_.Describe(&info).ok());
  EXPECT_EQ(info.protocol, "modbus-rtu");
}

TEST_F(ModbusE2E, TemperatureDriftsUpAndVibrationSpikes) {
  // Time runs 20x: +1.0 °C per second of sim time, a 15 mm/s spike for 1 s in every 4.
  StartSim({"--time-scale", "20", "--slave", "1", "--input", "1=drift:235:10", "--input",
            "2=spikes:412:1500:4:1"});
  Open();
  ASSERT_TRUE(WaitSamples("temperature", 1));
  double first = Latest("temperature")->value;
  double max_vibration = 0, min_vibration = 1e9;
  auto deadline = std::chrono::steady_clock::now() + 600ms;
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(WaitSamples("vibration", 1));
    double v = Latest("vibration")->value;
    max_vibration = std::max(max_vibration, v);
    min_vibration = std::min(min_vibration, v);
  }
  EXPECT_GT(Latest("temperature")->value, first + 5);  // about +12 °C in 0.6 s at 20x
  EXPECT_DOUBLE_EQ(max_vibration, 15.0);
  EXPECT_DOUBLE_EQ(min_vibration, 4.12);
}

TEST_F(ModbusE2E, SilentSlaveBecomesUnreachableAndRecovers) {
  StartSim();
  Open();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  Control("silent\n");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_OFFLINE, 10s)) << DeviceStatus().message;
  EXPECT_NE(DeviceStatus().message.find("slave 1 unreachable"), std::string::npos) << DeviceStatus().message;
  EXPECT_NE(DeviceStatus().message.find("no answer"), std::string::npos) << DeviceStatus().message;
  ASSERT_TRUE(WaitFor([&] { return Latest("slave1.health")->text == "unreachable"; }, 5s));
  Control("");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
  EXPECT_EQ(driver_.last->Slaves().at(1).recoveries, 1u);
  ASSERT_TRUE(WaitSamples("temperature", 2));
  EXPECT_EQ(Latest("slave1.health")->text, "online");
}

TEST_F(ModbusE2E, SlowSlaveWithinTheTimeoutIsFineBeyondItFails) {
  StartSim();
  Open();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s));
  Control("delay_ms 30\n");
  ASSERT_TRUE(WaitSamples("temperature", 3));
  EXPECT_EQ(DeviceStatus().state, BCIIN_DEVICE_IDLE);
  EXPECT_GE(driver_.last->Slaves().at(1).last_latency_ms, 25);
  // Far beyond the timeout: a late answer can pass for the next request's (RTU has no
  // transaction ids), so make it late enough that most requests time out.
  Control("delay_ms 1000\n");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_OFFLINE, 10s)) << DeviceStatus().message;
  Control("");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
}

TEST_F(ModbusE2E, CorruptRepliesCountAsFailures) {
  StartSim();
  Open();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s));
  Control("corrupt\n");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_OFFLINE, 10s)) << DeviceStatus().message;
  EXPECT_NE(DeviceStatus().message.find("CRC"), std::string::npos) << DeviceStatus().message;
  Control("");
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s)) << DeviceStatus().message;
}

TEST_F(ModbusE2E, ExceptionsAreReadableStates) {
  StartSim();
  Open({{"channel.missing", "slave=1 fc=4 reg=100 unit=1"}});
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_ERROR, 10s)) << DeviceStatus().message;
  EXPECT_NE(DeviceStatus().message.find("exception 02"), std::string::npos) << DeviceStatus().message;
  EXPECT_NE(DeviceStatus().message.find("Illegal data address"), std::string::npos) << DeviceStatus().message;
  ASSERT_TRUE(WaitSamples("temperature", 2));  // the other channels still read
}

TEST_F(ModbusE2E, ReconnectsWhenTheLineComesBack) {
  StartSim();
  Open();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 10s));
  sim_->Signal(SIGKILL);
  sim_->Wait(5s);
  ASSERT_TRUE(WaitFor([&] {
    auto s = DeviceStatus().state;
    return s == BCIIN_DEVICE_OFFLINE || s == BCIIN_DEVICE_DISCONNECTED;
  }, 10s)) << DeviceStatus().message;
  StartSim();
  ASSERT_TRUE(WaitState(BCIIN_DEVICE_IDLE, 15s)) << DeviceStatus().message;
  ASSERT_TRUE(WaitSamples("temperature", 2));
}

TEST_F(ModbusE2E, RuleCrossingThreeTimesInARowFiresOncePerEpisode) {
  StartSim({"--slave", "1", "--input", "1=const:600", "--input", "2=const:412"});
  sensors::Rule rule;
  ASSERT_TRUE(sensors::ParseRule("spindle-hot: sensor1.temperature > 80 for 3 hysteresis 2", &rule).ok());
  ASSERT_TRUE(rules_.AddRule(rule).ok());
  Open();
  ASSERT_TRUE(WaitSamples("temperature", 3));
  EXPECT_TRUE(Events().empty());
  // Episode 1: 90 °C for many samples fires once, on the third.
  Control("set input 1 900\n");
  ASSERT_TRUE(WaitFor([&] { return Latest("temperature")->value == 90.0; }, 5s));
  ASSERT_TRUE(WaitSamples("temperature", 10));
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, sensors::RuleEvent::Kind::kFired);
  EXPECT_EQ(events[0].episode, 1u);
  EXPECT_EQ(events[0].value, 90.0);
  // Back inside the hysteresis band (79 °C): still the same episode.
  Control("set input 1 790\n");
  ASSERT_TRUE(WaitFor([&] { return Latest("temperature")->value == 79.0; }, 5s));
  ASSERT_TRUE(WaitSamples("temperature", 5));
  EXPECT_EQ(Events().size(), 1u);
  // Below 78 °C clears; crossing again starts episode 2, firing once more.
  Control("set input 1 700\n");
  ASSERT_TRUE(WaitFor([&] { return Events().size() == 2u; }, 5s));
  Control("set input 1 950\n");
  ASSERT_TRUE(WaitFor([&] { return Latest("temperature")->value == 95.0; }, 5s));
  ASSERT_TRUE(WaitSamples("temperature", 10));
  events = Events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].kind, sensors::RuleEvent::Kind::kCleared);
  EXPECT_EQ(events[2].kind, sensors::RuleEvent::Kind::kFired);
  EXPECT_EQ(events[2].episode, 2u);
  auto json = nlohmann::json::parse(events[2].ToJson());
  EXPECT_EQ(json["rule"], "spindle-hot");
  EXPECT_EQ(json["device"], "sensor1");
}

}  // namespace
}  // namespace bciin::modbus
