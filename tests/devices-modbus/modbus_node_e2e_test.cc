// The node end to end: bciin-node loads the sensor-rules plugin and runs the sensor-modbus
// driver for a [device.NAME] section; the rule fires once per episode from the simulator's
// values, as the operator would see it in the node's log.
#include "process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <thread>

namespace {

using namespace std::chrono_literals;
namespace bt = bciin::testing;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ModbusNodeE2E, RuleFiresOncePerEpisodeInTheNode) {
  bt::TempDir tmp;
  const char* plugins = std::getenv("BCIIN_PLUGIN_DIR");
  ASSERT_NE(plugins, nullptr);
  auto control = tmp / "control.txt";
  bt::Process sim(bt::Program("bciin-sim-modbus"), {"--port", (tmp / "tty").string(), "--control", control.string(),
                                                    "--slave", "1", "--input", "1=const:600", "--input", "2=const:412"});
  ASSERT_TRUE(sim.WaitForOutput("ready on", 10s)) << sim.Output();
  bt::WriteFile(tmp / "node.ini", "plugin = sensor-rules\n"
                                  "plugin-dir = " + std::string(plugins) + "\n"
                                  "data-dir = " + (tmp / "data").string() + "\n"
                                  "[sensor-rules]\n"
                                  "rule = spindle-hot: sensor1.temperature > 80 for 3 hysteresis 2\n"
                                  "[device.sensor1]\n"
                                  "driver = sensor-modbus\n"
                                  "port = " + (tmp / "tty").string() + "\n"
                                  "poll_interval_ms = 50\n"
                                  "channel.temperature = slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel\n"
                                  "channel.vibration = slave=1 fc=4 reg=2 scale=0.01 unit=mm/s\n");
  bt::Process node(bt::Program("bciin-node"), {"--config", (tmp / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("reading 2 channel(s) from 1 slave(s)", 30s)) << node.Output();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Count(node.Output(), "rule spindle-hot fired"), 0u);
  bt::WriteFile(control, "set input 1 900\n");
  ASSERT_TRUE(node.WaitForOutput("rule spindle-hot fired on sensor1.temperature = 90", 10s)) << node.Output();
  std::this_thread::sleep_for(1s);  // about 20 more samples above the threshold
  EXPECT_EQ(Count(node.Output(), "rule spindle-hot fired"), 1u) << node.Output();
  bt::WriteFile(control, "set input 1 700\n");
  ASSERT_TRUE(node.WaitForOutput("rule spindle-hot cleared", 10s)) << node.Output();
  bt::WriteFile(control, "set input 1 950\n");
  ASSERT_TRUE(node.WaitForOutput("fired on sensor1.temperature = 95", 10s)) << node.Output();
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(Count(node.Output(), "rule spindle-hot fired"), 2u) << node.Output();
  node.Signal(SIGTERM);
  EXPECT_EQ(node.Wait(20s), 0) << node.Output();
}

}  // namespace
