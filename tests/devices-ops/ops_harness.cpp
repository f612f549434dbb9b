#include "ops_harness.hpp"

#include "http_client.h"

#include <bciin/gcode/program.hpp>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace bciin::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

OpsNode::OpsNode(std::vector<std::string> sim_args, std::string device_ini, bool with_printer) {
  const fs::path pty = dir_ / "ttyPRINTER";
  record_ = dir_ / "record.txt";
  std::string ini = "plugin = storage-memory\nplugin = chain\nplugin = consensus-dev\nplugin = api-http\n"
                    "plugin-dir = " + (BuildDir() / "lib" / "bciin" / "plugins").string() + "\n"
                    "data-dir = " + (dir_ / "data").string() + "\n"
                    "[consensus-dev]\ninterval-ms = 1000\n[api-http]\nport = 0\n";
  if (with_printer) {
    std::vector<std::string> args = {"--port", pty.string(), "--record", record_.string()};
    args.insert(args.end(), sim_args.begin(), sim_args.end());
    sim_ = std::make_unique<Process>(Program("bciin-sim-marlin"), args);
    EXPECT_TRUE(sim_->WaitForOutput("ready", 20s)) << sim_->Output();
    std::map<std::string, std::string> keys = {{"driver", "printer-marlin"}, {"port", pty.string()}, {"baud", "115200"},
                                               {"timeout_ms", "3000"}, {"handshake_timeout_ms", "1000"},
                                               {"reconnect_interval_ms", "100"}, {"temperature_interval_s", "1"},
                                               {"progress_interval_ms", "50"}};
    std::istringstream extra(device_ini);
    for (std::string line; std::getline(extra, line);)
      if (size_t eq = line.find(" = "); eq != std::string::npos) keys[line.substr(0, eq)] = line.substr(eq + 3);
    ini += "[device.printer1]\n";
    for (const auto& [k, v] : keys) ini += k + " = " + v + "\n";
  }
  WriteFile(dir_ / "node.ini", ini);
  node_ = std::make_unique<Process>(Program("bciin-node"), std::vector<std::string>{"--config", (dir_ / "node.ini").string()});
  const std::string listening = "API listening on http://127.0.0.1:";
  EXPECT_TRUE(node_->WaitForOutput(listening, 60s)) << node_->Output();
  const std::string out = node_->Output();
  if (size_t at = out.find(listening); at != std::string::npos) port_ = static_cast<uint16_t>(std::stoi(out.substr(at + listening.size())));
  url_ = "http://127.0.0.1:" + std::to_string(port_);
  if (with_printer) {
    EXPECT_TRUE(node_->WaitForOutput("printer1: state idle", 60s)) << node_->Output();
  }
}

OpsNode::~OpsNode() {
  if (node_) {
    node_->Signal(SIGTERM);
    EXPECT_EQ(node_->Wait(60s), 0) << node_->Output();
  }
}

std::string OpsNode::token() const {
  std::string t = ReadFile(dir_ / "data" / "api-token");
  return t.substr(0, t.find('\n'));
}

RunResult OpsNode::Cli(const std::vector<std::string>& args, bool with_token, std::chrono::milliseconds timeout) const {
  std::vector<std::string> all = {"--node", url_};
  if (with_token) all.insert(all.end(), {"--token-file", (dir_ / "data" / "api-token").string()});
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(Program("bciin-cli"), all, timeout);
}

json OpsNode::CliJson(const std::vector<std::string>& args) const {
  std::vector<std::string> all = {"--json"};
  all.insert(all.end(), args.begin(), args.end());
  RunResult r = Cli(all);
  std::istringstream lines(r.output);
  std::string line, last;
  while (std::getline(lines, line))
    if (!line.empty() && line[0] == '{') last = line;
  return json::parse(last, nullptr, false);
}

json OpsNode::Job() const {
  json status = CliJson({"device", "status", "printer1"});
  return status.is_object() ? status.value("job", json::object()) : json::object();
}

bool OpsNode::WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

OpsNode::Reply OpsNode::Http(const std::string& method, const std::string& target, const std::string& body,
                             bool with_token) const {
  cli::HttpClient client(url_, with_token ? token() : "");
  cli::HttpResult r;
  Status s = client.Request(method, target, body, &r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return {r.status, r.body};
}

std::string OpsNode::ReadStream(const std::string& target, const std::string& until, std::chrono::milliseconds wait,
                                const std::function<void()>& on_open) const {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), port_});
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  asio::write(s, asio::buffer(request));
  s.non_blocking(true);
  std::string got;
  char buf[4096];
  const auto end = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < end && got.find(until) == std::string::npos) {
    boost::system::error_code ec;
    size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(20ms);
      continue;
    }
    if (ec) break;
    const bool had_head = got.find("\r\n\r\n") != std::string::npos;
    got.append(buf, n);
    if (!had_head && got.find("\r\n\r\n") != std::string::npos && on_open) on_open();
  }
  return got;
}

size_t OpsNode::SettledRecordSize() const {
  size_t last = JobRecord(record_).size();
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(300ms);
    size_t now = JobRecord(record_).size();
    if (now == last) return now;
    last = now;
  }
  return last;
}

std::vector<std::string> ProgramCommands(const std::string& text) {
  gcode::Program p = gcode::ParseProgram(text);
  EXPECT_TRUE(p.ok()) << p.Summary();
  std::vector<std::string> out;
  for (const auto& c : p.commands) out.push_back(c.text);
  return out;
}

std::vector<std::string> JobRecord(const fs::path& record) {
  static const std::set<std::string> host_words = {"M110", "M115", "M155", "M105", "M114", "M400"};
  std::ifstream in(record);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("#", 0) != 0 && !host_words.count(line.substr(0, line.find(' ')))) out.push_back(line);
  return out;
}

}  // namespace bciin::testing
