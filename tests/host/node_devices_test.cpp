// bciin-node with a [device.NAME] section: the device manager starts the driver in its worker
// process against a real simulator on a pty, and the node stops cleanly with it.
#include "process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <thread>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;

TEST(NodeDevicesTest, ConfiguredPrinterComesUpThroughTheDeviceManager) {
  TempDir dir;
  fs::path pty = dir / "printer.pty";
  Process sim(Program("bciin-sim-marlin"), {"--port", pty.string(), "--time-scale", "0.001"});
  for (int i = 0; i < 200 && !fs::exists(pty); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(pty)) << sim.Output();

  fs::path plugins = BuildDir() / "lib" / "bciin" / "plugins";
  WriteFile(dir / "node.ini", "plugin = storage-memory\nplugin-dir = " + plugins.string() + "\ndata-dir = " +
                                  (dir / "data").string() + "\n[device.printer1]\ndriver = printer-marlin\nport = " +
                                  pty.string() + "\nbaud = 115200\n");
  Process node(Program("bciin-node"), {"--config", (dir / "node.ini").string()});
  ASSERT_TRUE(node.WaitForOutput("1 device(s)", std::chrono::seconds(60))) << node.Output();
  EXPECT_TRUE(node.WaitForOutput("printer1: state idle", std::chrono::seconds(60))) << node.Output();
  node.Signal(SIGTERM);
  EXPECT_EQ(node.Wait(std::chrono::seconds(30)), 0) << node.Output();
  EXPECT_NE(node.Output().find("] stopped"), std::string::npos) << node.Output();
}

}  // namespace
}  // namespace bciin::testing
