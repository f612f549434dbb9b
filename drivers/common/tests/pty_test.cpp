#include <bciin/serial/pty.hpp>
#include <bciin/serial/serial_port.hpp>

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

using namespace bciin::serial;
using namespace std::chrono_literals;

namespace {

std::string TempLink(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("bciin-pty-test-") + std::to_string(::getpid()) + "-" + name))
      .string();
}

TEST(PseudoTerminal, LinkPointsAtSlaveAndIsRemoved) {
  std::string link = TempLink("link");
  {
    std::unique_ptr<PseudoTerminal> pty;
    ASSERT_TRUE(PseudoTerminal::Create(link, &pty).ok());
    EXPECT_EQ(std::filesystem::read_symlink(link).string(), pty->slave_path());
    EXPECT_FALSE(pty->PeerConnected());
  }
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(link)));
}

TEST(PseudoTerminal, RawBothWaysThroughSerialPort) {
  std::unique_ptr<PseudoTerminal> pty;
  ASSERT_TRUE(PseudoTerminal::Create(TempLink("raw"), &pty).ok());
  std::unique_ptr<SerialPort> port;
  auto s = SerialPort::Open(pty->port_path(), PortSettings{}, &port);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(pty->PeerConnected());

  ASSERT_TRUE(port->Write("N0 M110 N0*125\n").ok());
  LineReader sim(pty->master_fd());
  std::string line;
  ASSERT_TRUE(sim.ReadLine(&line, 2000ms).ok());
  EXPECT_EQ(line, "N0 M110 N0*125");  // no echo, no \r\n mapping
  ASSERT_TRUE(WriteAll(pty->master_fd(), "ok\n", 1000ms).ok());
  ASSERT_TRUE(port->ReadLine(&line, 2000ms).ok());
  EXPECT_EQ(line, "ok");
}

TEST(SerialPort, SecondOpenIsRefused) {
  std::unique_ptr<PseudoTerminal> pty;
  ASSERT_TRUE(PseudoTerminal::Create(TempLink("excl"), &pty).ok());
  std::unique_ptr<SerialPort> a, b;
  ASSERT_TRUE(SerialPort::Open(pty->port_path(), PortSettings{}, &a).ok());
  auto s = SerialPort::Open(pty->port_path(), PortSettings{}, &b);
  EXPECT_FALSE(s.ok());
}

TEST(SerialPort, NonStandardBaudRate) {
  std::unique_ptr<PseudoTerminal> pty;
  ASSERT_TRUE(PseudoTerminal::Create("", &pty).ok());
  std::unique_ptr<SerialPort> port;
  PortSettings settings;
  settings.baud = 250000;
  auto s = SerialPort::Open(pty->port_path(), settings, &port);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(GetBaudRate(port->fd()), 250000u);
}

TEST(SerialPort, MissingPathNamesIt) {
  std::unique_ptr<SerialPort> port;
  auto s = SerialPort::Open("/nonexistent/ttyX", PortSettings{}, &port);
  EXPECT_TRUE(s.is(BCIIN_ERR_IO));
  EXPECT_NE(s.message().find("/nonexistent/ttyX"), std::string::npos);
}

TEST(PseudoTerminal, MasterCloseIsSeenAsClosed) {
  std::unique_ptr<PseudoTerminal> pty;
  ASSERT_TRUE(PseudoTerminal::Create("", &pty).ok());
  std::unique_ptr<SerialPort> port;
  ASSERT_TRUE(SerialPort::Open(pty->port_path(), PortSettings{}, &port).ok());
  pty->Close();
  std::string line;
  auto s = port->ReadLine(&line, 2000ms);
  EXPECT_TRUE(s.is(BCIIN_ERR_IO)) << s.ToString();
}

}  // namespace
