// The Marlin link under the simulator's faults and with ADVANCED_OK, end to end: bciin-node
// running printer-marlin against bciin-sim-marlin on a pty, operated through bciin-cli.
#include "ops_harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string Describe(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + ":\n" + r.output; }

// The first 300 lines of the slicer's cube (heat, home, the first perimeters) in a file.
fs::path CubeStart(const OpsNode& n, std::string* program) {
  std::string text = ReadFile(SharedData() / "gcode" / "prusaslicer-cube-with-hole.gcode");
  size_t at = 0;
  for (int i = 0; i < 300 && at != std::string::npos; ++i) at = text.find('\n', at + 1);
  *program = text.substr(0, at == std::string::npos ? text.size() : at + 1);
  fs::path file = n.dir() / "cube-start.gcode";
  WriteFile(file, *program);
  return file;
}

// A number from the simulator's stats line ("stats lines=310 ... max_queued=4 ...") once it exits.
uint64_t SimStat(OpsNode& n, const std::string& name) {
  n.sim().Signal(SIGTERM);
  EXPECT_EQ(n.sim().Wait(10s), 0);
  std::string out = n.sim().Output();
  size_t at = out.find(" " + name + "=");
  EXPECT_NE(at, std::string::npos) << out;
  return at == std::string::npos ? 0 : std::stoull(out.substr(at + name.size() + 2));
}

TEST(MarlinLink, AdvancedOkKeepsSeveralLinesInFlightAndTheRecordExact) {
  OpsNode n({"--time-scale", "0.001", "--advanced-ok", "--bufsize", "8"}, "max_in_flight = 4\n");
  std::string program;
  fs::path file = CubeStart(n, &program);
  RunResult run = n.Cli({"device", "submit", "printer1", file.string(), "--watch"}, true, 180s);
  ASSERT_EQ(run.exit_code, 0) << Describe(run);
  const std::vector<std::string> want = ProgramCommands(program);
  ASSERT_TRUE(OpsNode::WaitFor([&] { return JobRecord(n.record()).size() >= want.size(); }, 5s));
  EXPECT_TRUE(JobRecord(n.record()) == want) << "the record differs from the program";
  // Ping-pong flow control never has more than one job line (and a query) waiting.
  EXPECT_GE(SimStat(n, "max_queued"), 3u) << "the host never had several lines in flight";
}

TEST(MarlinLink, DroppedOksAreRecoveredWithoutLosingOrDoublingALine) {
  OpsNode n({"--time-scale", "0.001", "--drop-ok", "0.03", "--seed", "5"}, "timeout_ms = 300\n");
  std::string program;
  fs::path file = CubeStart(n, &program);
  RunResult run = n.Cli({"device", "submit", "printer1", file.string(), "--watch"}, true, 180s);
  ASSERT_EQ(run.exit_code, 0) << Describe(run) << n.node().Output();
  const std::vector<std::string> want = ProgramCommands(program);
  ASSERT_TRUE(OpsNode::WaitFor([&] { return JobRecord(n.record()).size() >= want.size(); }, 5s));
  EXPECT_TRUE(JobRecord(n.record()) == want) << "the record differs from the program";
  EXPECT_GT(SimStat(n, "dropped_oks"), 0u) << "no ok was dropped: the test proved nothing";
}

TEST(MarlinLink, SilentPrinterGoesOfflineWithTheJobPausedAtTheLastConfirmedLine) {
  OpsNode n({"--time-scale", "0.001", "--silence-after", "120"}, "timeout_ms = 300\n");
  std::string program;
  fs::path file = CubeStart(n, &program);
  ASSERT_EQ(n.Cli({"device", "submit", "printer1", file.string()}).exit_code, 0);
  json status;
  ASSERT_TRUE(OpsNode::WaitFor([&] {
    status = n.CliJson({"device", "status", "printer1"});
    return status.is_object() && status["job"].value("state", "") == "paused";
  }, 60s)) << status.dump() << n.node().Output();
  EXPECT_NE(status["job"].value("message", "").find("connection lost"), std::string::npos) << status.dump();
  EXPECT_NE(status["status"].value("state", ""), "running") << status.dump();
  // Paused at the last line the printer confirmed: exactly what it executed.
  const std::vector<std::string> want = ProgramCommands(program), got = JobRecord(n.record());
  ASSERT_EQ(got.size(), status["job"].value("lines_done", uint64_t{0})) << status.dump();
  EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin()));
  // Still silent: a resume is refused, and the node keeps serving.
  RunResult resume = n.Cli({"device", "resume", "printer1"});
  EXPECT_EQ(resume.exit_code, 1) << Describe(resume);
  EXPECT_NE(resume.output.find("device_busy"), std::string::npos) << resume.output;
  EXPECT_EQ(n.Cli({"device", "list"}).exit_code, 0);
}

TEST(MarlinLink, BoardResetFailsTheJobAndThePrinterServesTheNextOne) {
  OpsNode n({"--time-scale", "0.001", "--reset-after", "150"});
  std::string program;
  fs::path file = CubeStart(n, &program);
  RunResult first = n.Cli({"device", "submit", "printer1", file.string(), "--watch"}, true, 180s);
  EXPECT_EQ(first.exit_code, 1) << Describe(first);
  EXPECT_NE(first.output.find("external reset"), std::string::npos) << first.output;
  ASSERT_TRUE(OpsNode::WaitFor([&] { return n.CliJson({"device", "status", "printer1"})["status"]["state"] == "idle"; }, 30s))
      << n.node().Output();

  const size_t before = JobRecord(n.record()).size();
  RunResult second = n.Cli({"device", "submit", "printer1", file.string(), "--watch"}, true, 180s);
  ASSERT_EQ(second.exit_code, 0) << Describe(second);
  const std::vector<std::string> want = ProgramCommands(program);
  ASSERT_TRUE(OpsNode::WaitFor([&] { return JobRecord(n.record()).size() >= before + want.size(); }, 5s));
  std::vector<std::string> got = JobRecord(n.record());
  got.erase(got.begin(), got.begin() + static_cast<long>(before));
  EXPECT_TRUE(got == want) << "the job after the reset differs from the program";
}

TEST(MarlinLink, FatalPrinterErrorFailsTheJobWithTheFirmwaresReason) {
  OpsNode n({"--time-scale", "0.001", "--fatal-after", "100"});
  std::string program;
  fs::path file = CubeStart(n, &program);
  RunResult run = n.Cli({"device", "submit", "printer1", file.string(), "--watch"}, true, 180s);
  EXPECT_EQ(run.exit_code, 1) << Describe(run);
  EXPECT_NE(run.output.find("failed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("Thermal Runaway"), std::string::npos) << run.output;
  json status = n.CliJson({"device", "status", "printer1"});
  EXPECT_EQ(status["job"]["state"], "failed") << status.dump();
  EXPECT_NE(status["status"]["state"], "idle") << status.dump();
  // Nothing of the job ran after the halt.
  const std::vector<std::string> want = ProgramCommands(program), got = JobRecord(n.record());
  ASSERT_LE(got.size(), want.size());
  EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin()));
}

}  // namespace
}  // namespace bciin::testing
