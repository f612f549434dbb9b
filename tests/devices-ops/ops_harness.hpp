// A node to operate: bciin-sim-marlin on a real pty, bciin-node with api-http (and the chain it
// needs) and a [device.printer1] section on the simulator, and bciin-cli pointed at its API.
#pragma once

#include "process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bciin::testing {

class OpsNode {
 public:
  // Starts the simulator with `sim_args` (after --port and --record) unless `with_printer` is
  // false, then the node (`device_ini`: more lines for [device.printer1], which replace the
  // defaults they name); returns with the API listening and printer1 idle.
  explicit OpsNode(std::vector<std::string> sim_args, std::string device_ini = "", bool with_printer = true);
  ~OpsNode();

  const std::filesystem::path& record() const { return record_; }
  const std::string& url() const { return url_; }
  std::string token() const;
  Process& node() { return *node_; }
  Process& sim() { return *sim_; }
  const TempDir& dir() const { return dir_; }

  // bciin-cli --node URL [--token-file FILE] args...
  RunResult Cli(const std::vector<std::string>& args, bool with_token = true,
                std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;
  // The same with --json: the last line of its output as JSON (discarded when it is not).
  nlohmann::json CliJson(const std::vector<std::string>& args) const;
  // printer1's job as `bciin-cli --json device status printer1` reports it.
  nlohmann::json Job() const;
  // Polls `pred` every 100 ms until it holds; false after `timeout`.
  static bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

  // A raw HTTP request to the API: {status, body}.
  struct Reply {
    int status = 0;
    nlohmann::json body;
  };
  Reply Http(const std::string& method, const std::string& target, const std::string& body = "",
             bool with_token = true) const;
  // Opens a GET stream and returns what arrived within `wait` (or until `until` appeared);
  // `on_open` runs once the response's head has arrived.
  std::string ReadStream(const std::string& target, const std::string& until, std::chrono::milliseconds wait,
                         const std::function<void()>& on_open = {}) const;
  // The size of the simulator's job record once it has not changed for 300 ms (at most 10 s).
  size_t SettledRecordSize() const;

 private:
  TempDir dir_;
  std::filesystem::path record_;
  std::unique_ptr<Process> sim_;
  std::unique_ptr<Process> node_;
  std::string url_;
  uint16_t port_ = 0;
};

// The commands of a G-code program as a printer receives them (comments stripped, blanks dropped).
std::vector<std::string> ProgramCommands(const std::string& text);
// The simulator's record: executed commands, without its "#" event lines and without what the
// host sends on its own (handshake, identity, temperature and position queries).
std::vector<std::string> JobRecord(const std::filesystem::path& record);

}  // namespace bciin::testing
