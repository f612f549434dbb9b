#include "device_manager.hpp"

#include <gtest/gtest.h>

using namespace bciin::devices;

namespace {

TEST(ParseDeviceSections, CollectsDevicesAndOptions) {
  std::vector<ConfigItem> items = {
      {"storage-leveldb", "path", "/x", "node.ini:2"},
      {"device.printer1", "driver", "printer-marlin", "node.ini:5"},
      {"device.printer1", "port", "/dev/ttyUSB0", "node.ini:6"},
      {"device.printer1", "baud", "250000", "node.ini:7"},
      {"device.printer1", "timeout_ms", "5000", "node.ini:8"},
      {"device.mill", "driver", "cnc-grbl", "node.ini:10"},
  };
  std::vector<DeviceSpec> specs;
  ASSERT_TRUE(ParseDeviceSections(items, &specs).ok());
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "printer1");
  EXPECT_EQ(specs[0].driver, "printer-marlin");
  EXPECT_EQ(specs[0].port, "/dev/ttyUSB0");
  EXPECT_EQ(specs[0].baud, 250000u);
  EXPECT_EQ(specs[0].options.at("timeout_ms"), "5000");
  EXPECT_EQ(specs[1].name, "mill");
}

TEST(ParseDeviceSections, ErrorsNameTheLine) {
  std::vector<DeviceSpec> specs;
  auto s = ParseDeviceSections({{"device.p", "port", "/dev/x", "node.ini:3"}}, &specs);
  EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT));
  EXPECT_NE(s.message().find("node.ini:3: [device.p] has no 'driver"), std::string::npos) << s.message();
  s = ParseDeviceSections({{"device.p", "baud", "fast", "node.ini:4"}}, &specs);
  EXPECT_NE(s.message().find("node.ini:4: baud 'fast'"), std::string::npos) << s.message();
  s = ParseDeviceSections({{"device.P q", "driver", "x", "node.ini:5"}}, &specs);
  EXPECT_NE(s.message().find("node.ini:5"), std::string::npos);
}

TEST(DeviceManager, MissingDriverIsReportedAtConfigure) {
  ManagerOptions o;
  o.plugin_dir = "/nonexistent-plugins";
  DeviceManager m(o, nullptr, nullptr);
  DeviceSpec spec;
  spec.name = "p";
  spec.driver = "printer-nothing";
  auto s = m.Configure({spec});
  EXPECT_TRUE(s.is(BCIIN_ERR_NOT_FOUND));
  EXPECT_NE(s.message().find("driver 'printer-nothing' is not installed"), std::string::npos);
}

}  // namespace
