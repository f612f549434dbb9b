// bciin-cli device ...: operate the node's machines through the API's /v1/devices calls: list,
// status with telemetry, submit a G-code file (a dry-run check with --check), watch a job with a
// progress bar, pause/resume/cancel/estop/reset, and the raw console.
#include "commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace bciin::cli {
namespace {

using nlohmann::json;

std::string Target(const std::string& device, const std::string& rest = "") {
  return "/v1/devices/" + device + (rest.empty() ? "" : "/" + rest);
}

bool Finished(const std::string& state) { return state == "completed" || state == "cancelled" || state == "failed"; }

// "1:05:09", "3:07" or "-" when unknown.
std::string Duration(int64_t ms) {
  if (ms < 0) return "-";
  int64_t s = ms / 1000;
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

// The share of the whole job done, copies included, from 0 to 1.
double Fraction(const json& p) {
  const double total = p.value("lines_total", 0.0) * std::max(1.0, p.value("copies", 1.0));
  if (total <= 0) return Finished(p.value("state", "")) ? 1.0 : 0.0;
  const double done = (std::max(1.0, p.value("copy", 1.0)) - 1) * p.value("lines_total", 0.0) + p.value("lines_done", 0.0);
  return std::clamp(done / total, 0.0, 1.0);
}

// "42.0%  lines 120/300  copy 1/2  remaining 0:35  running" (+ the driver's message when it says more).
std::string ProgressText(const json& p) {
  std::string text = fmt::format("{:5.1f}%  lines {}/{}", 100 * Fraction(p), p.value("lines_done", 0), p.value("lines_total", 0));
  if (p.value("copies", 1) > 1) text += fmt::format("  copy {}/{}", p.value("copy", 1), p.value("copies", 1));
  text += "  remaining " + Duration(p.value("remaining_ms", int64_t{-1})) + "  " + p.value("state", "?");
  const std::string message = p.value("message", "");
  if (!message.empty() && message != p.value("state", "")) text += " (" + message + ")";
  return text;
}

std::string Bar(double fraction, int width = 30) {
  int full = static_cast<int>(fraction * width + 0.5);
  return "[" + std::string(full, '#') + std::string(width - full, '.') + "]";
}

// How a job ended, as the command's result: completed is success.
Status JobOutcome(const std::string& device, const json& p) {
  const std::string state = p.value("state", "");
  if (state == "completed") return Status();
  std::string why = p.value("message", "");
  Status s(state == "cancelled" ? BCIIN_ERR_CANCELLED : BCIIN_ERR_REJECTED,
           fmt::format("{}: job {} {}{}", device, p.value("job_id", 0), state, why.empty() || why == state ? "" : ": " + why));
  return s;
}

// Follows the job on `device` (the one numbered `job_id`, or the current one when 0) until it
// ends: a bar redrawn in place on a terminal, else a line per state change or tenth of the job.
Status Watch(Context& c, const std::string& device, uint64_t job_id) {
  const bool tty = isatty(STDOUT_FILENO) && !c.json_output();
  const uint64_t timeout_s = std::stoull(c.args().Get("timeout", "0"));
  const auto start = std::chrono::steady_clock::now();
  std::string last_state;
  int last_tenth = -1;
  for (;;) {
    json p;
    if (Status s = c.http().Get(Target(device, "job"), &p); !s.ok()) return s;
    const std::string state = p.value("state", "none");
    const bool ours = job_id == 0 || p.value("job_id", uint64_t{0}) == job_id;
    if (job_id == 0 && state == "none") return Status::NotFound(device + ": no job to watch");
    if (ours) {
      if (c.json_output()) {
        if (state != last_state || Finished(state)) std::cout << p.dump() << "\n" << std::flush;
      } else if (tty) {
        std::cout << "\r" << Bar(Fraction(p)) << " " << ProgressText(p) << "\033[K" << std::flush;
      } else if (int tenth = static_cast<int>(Fraction(p) * 10); tenth != last_tenth || state != last_state) {
        std::cout << ProgressText(p) << "\n" << std::flush;
        last_tenth = tenth;
      }
      last_state = state;
      if (Finished(state)) {
        if (tty) std::cout << "\n";
        return JobOutcome(device, p);
      }
    }
    if (timeout_s && std::chrono::steady_clock::now() - start > std::chrono::seconds(timeout_s))
      return Status::Timeout(fmt::format("{}: job still {} after --timeout {} s", device, state, timeout_s));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Status List(Context& c) {
  json j;
  if (Status s = c.http().Get("/v1/devices", &j); !s.ok()) return s;
  std::string text = fmt::format("{:<16} {:<16} {:<13} {:<28} {}\n", "NAME", "DRIVER", "STATE", "JOB", "RESTARTS");
  for (const auto& d : j.value("devices", json::array())) {
    const json& job = d.value("job", json::object());
    std::string job_text = job.value("state", "none") == "none"
                               ? "-"
                               : fmt::format("{} {} {:.0f}%", job.value("job_id", 0), job.value("state", ""), 100 * Fraction(job));
    text += fmt::format("{:<16} {:<16} {:<13} {:<28} {}\n", d.value("name", ""), d.value("driver", ""),
                        d.value("status", json::object()).value("state", "?"), job_text, d.value("restarts", 0));
  }
  if (j.value("devices", json::array()).empty()) text = "no devices configured ([device.NAME] sections)\n";
  c.Print(j, text);
  return Status();
}

Status Show(Context& c, const std::string& device) {
  json d;
  if (Status s = c.http().Get(Target(device), &d); !s.ok()) return s;
  const json& st = d.value("status", json::object());
  std::string text = fmt::format("{}  driver {}  port {}\nstate    {}{}\n", device, d.value("driver", ""), d.value("port", ""),
                                 st.value("state", "?"), st.value("message", "").empty() ? "" : " (" + st.value("message", "") + ")");
  if (const json& info = d.value("info", json()); info.is_object())
    text += fmt::format("device   {} {} ({})\n", info.value("model", ""), info.value("firmware", ""), info.value("protocol", ""));
  text += fmt::format("driver   {}, restarts {}{}\n", d.value("driver_running", false) ? "running" : "not running",
                      d.value("restarts", 0), d.value("last_failure", "").empty() ? "" : ", last failure: " + d.value("last_failure", ""));
  if (const json& job = d.value("job", json::object()); job.value("state", "none") != "none")
    text += fmt::format("job      {}  {}\n", job.value("job_id", 0), ProgressText(job));
  for (const auto& v : d.value("telemetry", json::array()))
    text += fmt::format("  {:<24} {} {}\n", v.value("name", ""), v.contains("value") ? v["value"].dump() : "", v.value("unit", ""));
  c.Print(d, text);
  return Status();
}

Status Submit(Context& c, const std::string& device, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("cannot read the G-code file " + file);
  std::stringstream program;
  program << in.rdbuf();
  const Args& a = c.args();
  json body{{"program", program.str()}, {"name", a.Get("name", std::filesystem::path(file).filename().string())}};
  if (a.Has("copies")) {
    uint64_t copies = 0;
    try {
      copies = std::stoull(a.Get("copies"));
    } catch (const std::exception&) {
    }
    if (copies < 1) return Status::InvalidArgument("--copies must be a whole number of at least 1");
    body["copies"] = copies;
  }
  if (a.Has("params")) {  // --params material=PLA,nozzle=0.4: the job's parameters for the driver
    json params = json::object();
    std::stringstream items(a.Get("params"));
    for (std::string item; std::getline(items, item, ',');) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) return Status::InvalidArgument("--params takes KEY=VALUE[,KEY=VALUE...], not '" + item + "'");
      params[item.substr(0, eq)] = item.substr(eq + 1);
    }
    body["params"] = params;
  }
  const bool check = a.Has("check");
  json reply;
  if (Status s = c.http().Post(Target(device, check ? "jobs?dry_run=1" : "jobs"), body, &reply); !s.ok())
    return s.is(BCIIN_ERR_REJECTED) ? Status(s.code(), file + ": " + s.message()) : s;
  if (check) {
    c.Print(reply, fmt::format("{}: {} would accept it (checked, nothing sent)\n", file, device));
    return Status();
  }
  const uint64_t job_id = reply.value("job_id", uint64_t{0});
  const json& job = reply.value("job", json::object());
  if (!c.json_output() || !a.Has("watch"))
    c.Print(reply, fmt::format("job {} on {}: {} lines x {}\n", job_id, device, job.value("lines_total", 0), body.value("copies", 1)));
  return a.Has("watch") ? Watch(c, device, job_id) : Status();
}

Status ConsoleLine(Context& c, const std::string& device, const std::string& line) {
  json reply;
  json body{{"line", line}, {"wait_ms", std::stoull(c.args().Get("wait-ms", "1000"))}};
  if (Status s = c.http().Post(Target(device, "console"), body, &reply); !s.ok()) return s;
  std::string text;
  for (const auto& r : reply.value("replies", json::array())) text += r.get<std::string>() + "\n";
  c.Print(reply, text);
  return Status();
}

Status Console(Context& c, const std::string& device) {
  if (c.Need(4)) return ConsoleLine(c, device, c.Arg(3));
  const bool tty = isatty(STDIN_FILENO);
  std::string line;
  for (;;) {
    if (tty) std::cerr << device << "> " << std::flush;
    if (!std::getline(std::cin, line)) break;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) continue;
    if (Status s = ConsoleLine(c, device, line); !s.ok()) {
      if (!tty || s.is(BCIIN_ERR_IO)) return s;
      std::cerr << "error: " << s.message() << "\n";
    }
  }
  if (tty) std::cerr << "\n";
  return Status();
}

Status Device(Context& c) {
  if (!c.Need(2)) return c.Usage();
  const std::string sub = c.Arg(1);
  if (sub == "list") return List(c);
  if (!c.Need(3)) return c.Usage();
  const std::string device = c.Arg(2);
  if (sub == "status") return Show(c, device);
  if (sub == "watch") return Watch(c, device, 0);
  if (sub == "console") return Console(c, device);
  if (sub == "submit") return c.Need(4) ? Submit(c, device, c.Arg(3)) : c.Usage();
  for (const char* action : {"pause", "resume", "cancel", "estop", "reset"}) {
    if (sub != action) continue;
    json reply;
    if (Status s = c.http().Post(Target(device, action), json::object(), &reply); !s.ok()) return s;
    c.Print(reply, fmt::format("{}: {} done\n", device, action));
    return Status();
  }
  return c.Usage();
}

}  // namespace

void RegisterDeviceCommands(CommandTable* t) {
  t->push_back({"device",
                "device list                        the node's devices, their state and job\n"
                "device status NAME                 state, job, firmware, telemetry\n"
                "device submit NAME FILE [--copies N] [--name JOB] [--params K=V,...] [--check] [--watch]\n"
                "                                   run a G-code file (--check: validate only, send nothing)\n"
                "device watch NAME [--timeout S]    follow the job to its end (exit 0 completed, 1 not)\n"
                "device pause|resume|cancel|estop|reset NAME   operate the job or the machine (needs the token)\n"
                "device console NAME [LINE] [--wait-ms MS]  send a line and print the replies (stdin when no LINE)",
                Device,
                {"check", "watch"}});
}

}  // namespace bciin::cli
