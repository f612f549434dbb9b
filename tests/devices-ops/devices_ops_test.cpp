// Operating a printer as an operator does: bciin-node (api-http, a [device.printer1] section on
// bciin-sim-marlin over a real pty) driven only through bciin-cli, and the API's status codes
// checked with raw HTTP.
#include "ops_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace bciin::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

// The first `lines` lines of the slicer's cube: start code (heat, home) and the first moves.
std::string CubePrefix(size_t lines) {
  std::string text = ReadFile(SharedData() / "gcode" / "prusaslicer-cube-with-hole.gcode"), out;
  size_t at = 0;
  for (size_t i = 0; i < lines && at < text.size(); ++i) {
    size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    out += text.substr(at, end - at);
    at = end;
  }
  return out;
}

std::string Describe(const RunResult& r) { return "exit " + std::to_string(r.exit_code) + ":\n" + r.output; }

TEST(DevicesOps, SubmitTwoCopiesAndWatchToTheEndThroughTheCli) {
  OpsNode n({"--time-scale", "0.001"});
  RunResult list = n.Cli({"device", "list"});
  ASSERT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.output.find("printer1"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("printer-marlin"), std::string::npos) << list.output;
  json listed = n.CliJson({"device", "list"});
  ASSERT_EQ(listed["devices"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["devices"][0]["status"]["state"], "idle") << listed.dump();

  RunResult status = n.Cli({"device", "status", "printer1"});
  ASSERT_EQ(status.exit_code, 0) << Describe(status);
  EXPECT_NE(status.output.find("Marlin"), std::string::npos) << status.output;  // the firmware, from M115

  const std::string program = CubePrefix(300);
  const fs::path file = n.dir() / "cube-start.gcode";
  WriteFile(file, program);
  RunResult check = n.Cli({"device", "submit", "printer1", file.string(), "--check", "--params", "material=PLA"});
  ASSERT_EQ(check.exit_code, 0) << Describe(check);
  EXPECT_NE(check.output.find("nothing sent"), std::string::npos) << check.output;

  RunResult run = n.Cli({"device", "submit", "printer1", file.string(), "--copies", "2", "--watch"}, true, 180s);
  ASSERT_EQ(run.exit_code, 0) << Describe(run) << n.node().Output();
  EXPECT_NE(run.output.find("x 2"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("100.0%"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("copy 2/2"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("completed"), std::string::npos) << run.output;

  // The printer executed the program twice: no line lost, none doubled.
  std::vector<std::string> want = ProgramCommands(program), twice = want;
  twice.insert(twice.end(), want.begin(), want.end());
  ASSERT_TRUE(OpsNode::WaitFor([&] { return JobRecord(n.record()).size() >= twice.size(); }, 5s));
  EXPECT_TRUE(JobRecord(n.record()) == twice) << "the record differs from the program run twice";

  // Watching a finished job reports how it ended, at once.
  RunResult watch = n.Cli({"device", "watch", "printer1"});
  EXPECT_EQ(watch.exit_code, 0) << Describe(watch);
  json job = n.Job();
  EXPECT_EQ(job["state"], "completed") << job.dump();
  EXPECT_EQ(job["copy"], 2) << job.dump();

  // The console: one line and its reply.
  RunResult console = n.Cli({"device", "console", "printer1", "M115"});
  ASSERT_EQ(console.exit_code, 0) << Describe(console);
  EXPECT_NE(console.output.find("FIRMWARE_NAME:Marlin"), std::string::npos) << console.output;
}

TEST(DevicesOps, PauseResumeCancelEstopAndResetThroughTheCli) {
  OpsNode n({"--time-scale", "0.05"}, "pause_lift_mm = 2\n");  // slow enough to act mid-job; park on pause
  const std::string program = CubePrefix(700);
  const fs::path file = n.dir() / "cube-700.gcode";
  WriteFile(file, program);
  const std::vector<std::string> want = ProgramCommands(program);

  RunResult submit = n.Cli({"device", "submit", "printer1", file.string()});
  ASSERT_EQ(submit.exit_code, 0) << Describe(submit);
  ASSERT_TRUE(OpsNode::WaitFor([&] { return n.Job().value("lines_done", 0) > 60; }, 60s)) << n.Job().dump();
  RunResult busy = n.Cli({"device", "submit", "printer1", file.string()});
  EXPECT_EQ(busy.exit_code, 1) << Describe(busy);
  EXPECT_NE(busy.output.find("device_busy"), std::string::npos) << busy.output;

  RunResult pause = n.Cli({"device", "pause", "printer1"});
  ASSERT_EQ(pause.exit_code, 0) << Describe(pause);
  ASSERT_TRUE(OpsNode::WaitFor([&] { return n.Job().value("state", "") == "paused"; }, 10s)) << n.Job().dump();
  // Paused: once the moves in flight and the parking are done, the printer takes no more lines.
  const size_t at_pause = n.SettledRecordSize();
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(JobRecord(n.record()).size(), at_pause) << "job lines ran while paused";
  RunResult paused_status = n.Cli({"device", "status", "printer1"});
  EXPECT_NE(paused_status.output.find("paused"), std::string::npos) << paused_status.output;

  RunResult resume = n.Cli({"device", "resume", "printer1"});
  ASSERT_EQ(resume.exit_code, 0) << Describe(resume);
  RunResult watch = n.Cli({"device", "watch", "printer1"}, true, 180s);
  ASSERT_EQ(watch.exit_code, 0) << Describe(watch);

  // The record is the program with the park and unpark moves of the pause between two of its
  // lines: nothing lost or doubled around the pause.
  std::vector<std::string> got = JobRecord(n.record());
  ASSERT_GT(got.size(), want.size());
  const size_t extra = got.size() - want.size();
  size_t k = 0;
  while (k < want.size() && got[k] == want[k]) ++k;
  EXPECT_GT(k, 60u);
  EXPECT_TRUE(std::equal(want.begin() + static_cast<long>(k), want.end(), got.begin() + static_cast<long>(k + extra)))
      << "the job did not continue where it paused";
  for (size_t i = k; i < k + extra; ++i) {
    const std::string word = got[i].substr(0, got[i].find(' '));
    EXPECT_TRUE(word == "G90" || word == "G91" || word == "G1" || word == "G92" || word == "M82" || word == "M83")
        << "unexpected command in the pause: " << got[i];
  }

  // Submits the file again, lets 20 lines run, does `action` and watches the job to its end.
  auto interrupt = [&](const char* action) {
    EXPECT_EQ(n.Cli({"device", "submit", "printer1", file.string()}).exit_code, 0);
    EXPECT_TRUE(OpsNode::WaitFor([&] { return n.Job().value("lines_done", 0) > 20; }, 60s)) << n.Job().dump();
    RunResult acted = n.Cli({"device", action, "printer1"});
    EXPECT_EQ(acted.exit_code, 0) << Describe(acted);
    return n.Cli({"device", "watch", "printer1"});
  };

  // Cancel: the watch ends with exit 1 and says so.
  const size_t before_cancel = JobRecord(n.record()).size();
  RunResult cancelled = interrupt("cancel");
  EXPECT_EQ(cancelled.exit_code, 1) << Describe(cancelled);
  EXPECT_NE(cancelled.output.find("cancelled"), std::string::npos) << cancelled.output;
  const size_t after_cancel = n.SettledRecordSize();
  EXPECT_LT(after_cancel - before_cancel, want.size()) << "the cancelled job ran to its end";
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(JobRecord(n.record()).size(), after_cancel) << "lines ran after the cancel";

  // Emergency stop mid-job: the machine is stopped and the job failed; reset brings it back.
  RunResult failed = interrupt("estop");
  EXPECT_EQ(failed.exit_code, 1) << Describe(failed);
  EXPECT_NE(failed.output.find("emergency stop"), std::string::npos) << failed.output;
  EXPECT_NE(ReadFile(n.record()).find("# halt "), std::string::npos) << "the simulator did not halt";
  json stopped = n.CliJson({"device", "status", "printer1"});
  EXPECT_EQ(stopped["status"]["state"], "stopped") << stopped.dump();
  RunResult refused = n.Cli({"device", "submit", "printer1", file.string()});
  EXPECT_EQ(refused.exit_code, 1) << Describe(refused);

  RunResult reset = n.Cli({"device", "reset", "printer1"});
  ASSERT_EQ(reset.exit_code, 0) << Describe(reset);
  EXPECT_TRUE(OpsNode::WaitFor([&] { return n.CliJson({"device", "status", "printer1"})["status"]["state"] == "idle"; }, 30s))
      << n.node().Output();
}

TEST(DevicesOps, RefusalsAndErrorsAreClear) {
  OpsNode n({"--time-scale", "0.001"});
  // A bad program: refused with its line and reason, nothing sent.
  const fs::path bad = n.dir() / "bad.gcode";
  WriteFile(bad, "G28 ; home\nG1 Z5 F5000\nG2 X10 Y10 F1200\nG1 X1\n");
  const size_t before = JobRecord(n.record()).size();
  for (bool check : {true, false}) {
    std::vector<std::string> args = {"device", "submit", "printer1", bad.string()};
    if (check) args.push_back("--check");
    RunResult r = n.Cli(args);
    EXPECT_EQ(r.exit_code, 1) << Describe(r);
    EXPECT_NE(r.output.find("bad.gcode"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("line 3: arc G2 has neither I/J nor R"), std::string::npos) << r.output;
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(JobRecord(n.record()).size(), before) << "a line of the refused program reached the printer";

  // An unknown device, a missing file, a missing token, a bad --copies, a job-less watch.
  RunResult unknown = n.Cli({"device", "status", "nope"});
  EXPECT_EQ(unknown.exit_code, 1) << Describe(unknown);
  EXPECT_NE(unknown.output.find("device_not_found: no device 'nope'"), std::string::npos) << unknown.output;
  json unknown_json = n.CliJson({"device", "pause", "nope"});
  EXPECT_EQ(unknown_json["error"]["code"], "not found") << unknown_json.dump();
  EXPECT_NE(unknown_json["error"].value("message", "").find("device_not_found"), std::string::npos);
  RunResult missing = n.Cli({"device", "submit", "printer1", (n.dir() / "none.gcode").string()});
  EXPECT_EQ(missing.exit_code, 1) << Describe(missing);
  EXPECT_NE(missing.output.find("none.gcode"), std::string::npos) << missing.output;
  RunResult no_token = n.Cli({"device", "pause", "printer1"}, false);
  EXPECT_EQ(no_token.exit_code, 1) << Describe(no_token);
  EXPECT_NE(no_token.output.find("unauthorized"), std::string::npos) << no_token.output;
  RunResult copies = n.Cli({"device", "submit", "printer1", bad.string(), "--copies", "zero"});
  EXPECT_EQ(copies.exit_code, 1) << Describe(copies);
  EXPECT_NE(copies.output.find("--copies"), std::string::npos) << copies.output;
  RunResult params = n.Cli({"device", "submit", "printer1", bad.string(), "--params", "material"});
  EXPECT_EQ(params.exit_code, 1) << Describe(params);
  EXPECT_NE(params.output.find("--params takes KEY=VALUE"), std::string::npos) << params.output;
  RunResult no_job = n.Cli({"device", "watch", "printer1"});
  EXPECT_EQ(no_job.exit_code, 1) << Describe(no_job);
  EXPECT_NE(no_job.output.find("no job"), std::string::npos) << no_job.output;
  RunResult usage = n.Cli({"device", "submit", "printer1"});
  EXPECT_EQ(usage.exit_code, 2) << Describe(usage);

  // The console read from stdin, one reply per line sent.
  RunResult interactive = RunProgram("/bin/sh", {"-c", "printf 'M115\\nM105\\n' | " + Program("bciin-cli").string() +
                                                           " --node " + n.url() + " --token-file " +
                                                           (n.dir() / "data" / "api-token").string() +
                                                           " device console printer1"});
  EXPECT_EQ(interactive.exit_code, 0) << Describe(interactive);
  EXPECT_NE(interactive.output.find("FIRMWARE_NAME:Marlin"), std::string::npos) << interactive.output;
  EXPECT_NE(interactive.output.find("T:"), std::string::npos) << interactive.output;
}

TEST(DevicesOps, ApiStatusCodesAndTheEventStream) {
  OpsNode n({"--time-scale", "0.001"});
  auto code = [](const OpsNode::Reply& r) { return r.body.is_object() ? r.body["error"].value("code", "") : ""; };

  EXPECT_EQ(n.Http("GET", "/v1/devices").status, 200);
  OpsNode::Reply r = n.Http("GET", "/v1/devices/printer1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body["status"]["state"], "idle") << r.body.dump();
  EXPECT_TRUE(r.body["info"].is_object()) << r.body.dump();
  EXPECT_EQ(n.Http("GET", "/v1/devices/printer1/telemetry").status, 200);
  EXPECT_EQ(n.Http("GET", "/v1/devices/printer1/job").body.value("state", ""), "none");

  r = n.Http("GET", "/v1/devices/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(code(r), "device_not_found");
  r = n.Http("POST", "/v1/devices/printer1/jobs", R"({"program": "G28\n"})", false);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(code(r), "unauthorized");
  r = n.Http("POST", "/v1/devices/printer1/jobs", R"({"name": "bad", "program": "G28\nG1 X1\nG3 X2 Y2\n"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(code(r), "program_rejected");
  EXPECT_EQ(r.body["error"].value("line", 0), 3) << r.body.dump();
  EXPECT_EQ(r.body["error"].value("reason", ""), "arc G3 has neither I/J nor R") << r.body.dump();
  r = n.Http("POST", "/v1/devices/printer1/jobs", R"({"program": 42})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(code(r), "invalid_argument");
  r = n.Http("POST", "/v1/devices/printer1/jobs", R"({"program": "G28\n", "copies": 0})");
  EXPECT_EQ(r.status, 400);
  r = n.Http("POST", "/v1/devices/printer1/jobs", "not json");
  EXPECT_EQ(code(r), "invalid_json");
  r = n.Http("POST", "/v1/devices/printer1/jobs?dry_run=1", R"({"program": "G28\nG1 X10\n"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.value("dry_run", false), true) << r.body.dump();
  r = n.Http("POST", "/v1/devices/printer1/pause");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(code(r), "invalid_state");
  r = n.Http("GET", "/v1/devices/printer1/pause");
  EXPECT_EQ(r.status, 405);
  r = n.Http("GET", "/v1/devices/printer1/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(code(r), "unknown_call");
  r = n.Http("POST", "/v1/devices/printer1/console", R"({"line": "M105", "wait_ms": 2000})");
  EXPECT_EQ(r.status, 200);
  ASSERT_FALSE(r.body["replies"].empty()) << r.body.dump();
  EXPECT_NE(r.body["replies"][0].get<std::string>().find("T:"), std::string::npos) << r.body.dump();

  // The event stream: the device's state and progress at once, then its events as they happen.
  std::string stream = n.ReadStream("/v1/devices/nope/events", "\r\n\r\n", 5s);
  EXPECT_NE(stream.find("404"), std::string::npos) << stream;
  stream = n.ReadStream("/v1/devices/printer1/events", "\"completed\"", 30s, [&] {
    n.Http("POST", "/v1/devices/printer1/console", R"({"line": "M115", "wait_ms": 0})");
    n.Http("POST", "/v1/devices/printer1/jobs", R"({"name": "short", "program": "G28\nG1 X10 Y10 F3000\nG1 X20\n"})");
  });
  EXPECT_NE(stream.find("text/event-stream"), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: state\ndata: {"), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: console\ndata: {\"direction\":\"sent\",\"line\":\"M115\"}"), std::string::npos) << stream;
  EXPECT_NE(stream.find("FIRMWARE_NAME:Marlin"), std::string::npos) << stream;
  EXPECT_NE(stream.find("event: progress\ndata: {"), std::string::npos) << stream;
  EXPECT_NE(stream.find("\"completed\""), std::string::npos) << stream;
}

TEST(DevicesOps, NodeWithoutDevicesAnswersEmpty) {
  OpsNode n({}, "", false);
  OpsNode::Reply r = n.Http("GET", "/v1/devices");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body["devices"].empty()) << r.body.dump();
  RunResult list = n.Cli({"device", "list"});
  EXPECT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.output.find("no devices"), std::string::npos) << list.output;
  RunResult status = n.Cli({"device", "status", "printer1"});
  EXPECT_EQ(status.exit_code, 1) << Describe(status);
  EXPECT_NE(status.output.find("device_not_found"), std::string::npos) << status.output;
}

}  // namespace
}  // namespace bciin::testing
