// bciin-sim-marlin: a simulated Marlin 3D printer on a pseudo-terminal.
//
//   bciin-sim-marlin --port /tmp/ttyMARLIN [--time-scale 0.01] [--noise 0.05] [--record rec.txt]
//
// Prints "ready <port>" on stdout once the port exists, and statistics when it ends (SIGTERM,
// SIGINT). With --benchmark FILE it runs FILE without a host and prints its own command rate.
#include "marlin_sim.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;

namespace {
bciin::sim::MarlinSim* g_sim = nullptr;
extern "C" void OnSignal(int) {
  if (g_sim) g_sim->Stop();
}
}  // namespace

int main(int argc, char** argv) {
  bciin::sim::SimOptions o;
  std::string benchmark;
  po::options_description desc("bciin-sim-marlin options");
  desc.add_options()
      ("help,h", "show this help")
      ("port", po::value(&o.port), "stable path of the pty symlink (required unless --benchmark)")
      ("time-scale", po::value(&o.time_scale)->default_value(0.01), "wall seconds per simulated second (0 = instant)")
      ("noise", po::value(&o.noise)->default_value(0.0), "probability that a numbered line arrives corrupted")
      ("drop-ok", po::value(&o.drop_ok)->default_value(0.0), "probability that an ok is lost")
      ("disconnect-after", po::value(&o.disconnect_after)->default_value(0), "close the port after N numbered lines, once")
      ("reconnect-delay-ms", po::value(&o.reconnect_delay_ms)->default_value(300), "delay before the port comes back")
      ("silence-after", po::value(&o.silence_after)->default_value(0), "stop answering after N numbered lines")
      ("fatal-after", po::value(&o.fatal_after)->default_value(0), "thermal runaway and kill() after N numbered lines")
      ("reset-after", po::value(&o.reset_after)->default_value(0), "board reset after N numbered lines, once")
      ("no-emergency-parser", "M112 waits in the queue like any command")
      ("no-autoreport", "do not offer AUTOREPORT_TEMP")
      ("advanced-ok", "answer ok N<n> P<planner> B<queue>")
      ("bufsize", po::value(&o.bufsize)->default_value(4), "command queue length (BUFSIZE)")
      ("planner", po::value(&o.planner_size)->default_value(16), "planner blocks (BLOCK_BUFFER_SIZE)")
      ("seed", po::value(&o.seed)->default_value(1), "random seed for the faults")
      ("record", po::value(&o.record), "append every executed command to this file")
      ("benchmark", po::value(&benchmark), "run this G-code file without a host and print the rate");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bciin-sim-marlin: {}\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  o.emergency_parser = !vm.count("no-emergency-parser");
  o.autoreport_temp = !vm.count("no-autoreport");
  o.advanced_ok = vm.count("advanced-ok") > 0;
  if (o.bufsize == 0 || o.planner_size == 0 || o.time_scale < 0) {
    fmt::print(stderr, "bciin-sim-marlin: bufsize, planner and time-scale must be positive\n");
    return 2;
  }

  if (!benchmark.empty()) {
    std::ifstream in(benchmark, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "bciin-sim-marlin: cannot read {}\n", benchmark);
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    uint64_t commands = 0;
    double seconds = 0;
    auto s = bciin::sim::MarlinSim::Benchmark(o, ss.str(), &commands, &seconds);
    if (!s.ok()) {
      fmt::print(stderr, "bciin-sim-marlin: {}\n", s.ToString());
      return 1;
    }
    fmt::print("sim-own-rate commands={} seconds={:.3f} lines_per_second={:.1f}\n", commands, seconds,
               seconds > 0 ? commands / seconds : 0.0);
    return 0;
  }
  if (o.port.empty()) {
    fmt::print(stderr, "bciin-sim-marlin: --port is required\n");
    return 2;
  }

  bciin::sim::MarlinSim sim(o);
  g_sim = &sim;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  fmt::print("ready {}\n", o.port);
  std::fflush(stdout);
  auto s = sim.Run();
  g_sim = nullptr;
  if (!s.ok()) {
    fmt::print(stderr, "bciin-sim-marlin: {}\n", s.ToString());
    return 1;
  }
  const auto& st = sim.stats();
  fmt::print("stats lines={} commands={} resends={} noise_hits={} dropped_oks={} max_queued={} motion_seconds={:.1f}\n",
             st.lines, st.commands, st.resends, st.noise_hits, st.dropped_oks, st.max_queued, st.motion_seconds);
  return 0;
}
