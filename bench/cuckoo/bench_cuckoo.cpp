// bciin-bench-cuckoo: seconds per graph and peak memory of the lean and mean solvers at several edge
// bits and thread counts, verify time, and (when reference binaries are given) the reference solver on
// the same graphs in the same run with the ratio. `--smoke` runs tiny sizes in a few seconds (CI).
#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/solver.h"
#include "bciin/cuckoo/verify.h"
#include "reference_runner.h"

namespace po = boost::program_options;
using namespace bciin::cuckoo;
using bciin::Status;

namespace {

std::vector<unsigned> parse_list(const std::string& text) {
  std::vector<unsigned> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(static_cast<unsigned>(std::stoul(item)));
  return out;
}

long max_rss_kib() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double mib(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

// V1_29 (Grin, nonce 20, zero header): the verify timing input.
const Proof kV1_29 = {0x48a9e2, 0x9cf043, 0x155ca30, 0x18f4783, 0x248f86c, 0x2629a64, 0x5bad752, 0x72e3569,
  0x93db760, 0x97d3b37, 0x9e05670, 0xa315d5a, 0xa3571a1, 0xa48db46, 0xa7796b6, 0xac43611, 0xb64912f, 0xbb6c71e,
  0xbcc8be1, 0xc38a43a, 0xd4faa99, 0xe018a66, 0xe37e49c, 0xfa975fa, 0x11786035, 0x1243b60a, 0x12892da0,
  0x141b5453, 0x1483c3a0, 0x1505525e, 0x1607352c, 0x16181fe3, 0x17e3a1da, 0x180b651e, 0x1899d678, 0x1931b0bb,
  0x19606448, 0x1b041655, 0x1b2c20ad, 0x1bd7a83c, 0x1c05d5b0, 0x1c0b9caa};

void bench_verify(unsigned iterations) {
  const SipKeys keys = keys_for(Hash256{}, 20);
  const auto t0 = std::chrono::steady_clock::now();
  unsigned ok = 0;
  for (unsigned i = 0; i < iterations; ++i) ok += verify(keys, kV1_29, 29) == VerifyCode::kOk;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto k0 = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < iterations; ++i) (void)keys_for(Hash256{}, i);
  const double ks = std::chrono::duration<double>(std::chrono::steady_clock::now() - k0).count();
  fmt::print("verify (V1_29, 29 edge bits): {:.2f} us per proof ({} of {} OK); key derivation {:.2f} us\n",
             s * 1e6 / iterations, ok, iterations, ks * 1e6 / iterations);
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description desc("bciin-bench-cuckoo options");
  desc.add_options()
      ("help", "show this help")
      ("edge-bits,e", po::value<std::string>()->default_value("19,24,27,29"), "comma-separated edge bits")
      ("threads,t", po::value<std::string>()->default_value("1,2"), "comma-separated thread counts")
      ("solvers,s", po::value<std::string>()->default_value("mean,lean"), "mean, lean or both")
      ("graphs,g", po::value<unsigned>()->default_value(3), "graphs (consecutive nonces) per configuration")
      ("nonce,n", po::value<unsigned>()->default_value(0), "first nonce (zero header hash)")
      ("ref-mean", po::value<std::string>()->default_value(""), "reference mean binary ({} = edge bits); default $BCIIN_CUCKOO_REF_MEAN")
      ("ref-lean", po::value<std::string>()->default_value(""), "reference lean binary ({} = edge bits); default $BCIIN_CUCKOO_REF_LEAN")
      ("smoke", po::bool_switch(), "tiny sizes only, a few seconds (CI)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "bciin-bench-cuckoo: {}\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  const bool smoke = vm["smoke"].as<bool>();
  std::vector<unsigned> edge_bits, threads;
  std::vector<SolverKind> kinds;
  try {
    edge_bits = smoke ? std::vector<unsigned>{12, 15} : parse_list(vm["edge-bits"].as<std::string>());
    threads = smoke ? std::vector<unsigned>{1, 2} : parse_list(vm["threads"].as<std::string>());
  } catch (const std::exception&) {
    fmt::print(stderr, "bciin-bench-cuckoo: --edge-bits and --threads take comma-separated numbers\n");
    return 2;
  }
  std::stringstream ss(vm["solvers"].as<std::string>());
  for (std::string item; std::getline(ss, item, ',');) {
    SolverKind k;
    if (!parse_solver_kind(item, &k)) {
      fmt::print(stderr, "bciin-bench-cuckoo: unknown solver '{}'\n", item);
      return 2;
    }
    kinds.push_back(k);
  }
  const unsigned graphs = smoke ? 2 : vm["graphs"].as<unsigned>();
  const unsigned first_nonce = vm["nonce"].as<unsigned>();
  auto ref_path = [&](SolverKind k) {
    std::string p = vm[k == SolverKind::kMean ? "ref-mean" : "ref-lean"].as<std::string>();
    if (p.empty()) {
      const char* env = std::getenv(k == SolverKind::kMean ? "BCIIN_CUCKOO_REF_MEAN" : "BCIIN_CUCKOO_REF_LEAN");
      if (env && !smoke) p = env;
    }
    return p;
  };

  fmt::print("{:>5} {:>4} {:>3} {:>10} {:>9} {:>10} {:>10} {:>7} {:>6} | {:>10} {:>10} {:>6}\n", "bits", "kind", "thr",
             "s/graph", "graphs", "solver MiB", "RSS MiB", "rounds", "sols", "ref s/gr", "ref RSS", "ratio");
  for (unsigned bits : edge_bits) {
    for (SolverKind kind : kinds) {
      for (unsigned t : threads) {
        SolverOptions o;
        o.kind = kind;
        o.edge_bits = bits;
        o.threads = t;
        std::unique_ptr<Solver> solver;
        if (Status s = create_solver(o, &solver); !s.ok()) {
          fmt::print(stderr, "skipping {} at {} bits: {}\n", solver_kind_name(kind), bits, s.ToString());
          continue;
        }
        std::atomic<bool> cancel{false};
        double total = 0;
        uint64_t peak = 0, solutions = 0;
        unsigned rounds = 0;
        for (unsigned g = 0; g < graphs; ++g) {
          const SipKeys keys = keys_for(Hash256{}, first_nonce + g);
          std::vector<Proof> proofs;
          SolveStats st;
          const auto t0 = std::chrono::steady_clock::now();
          const Status s = solver->solve(keys, &cancel, &proofs, &st);
          total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          if (!s.ok()) {
            fmt::print(stderr, "solve failed: {}\n", s.ToString());
            return 1;
          }
          peak = std::max(peak, st.peak_bytes);
          solutions += proofs.size();
          rounds = st.rounds;
          for (const Proof& p : proofs)
            if (verify(keys, p, bits) != VerifyCode::kOk) {
              fmt::print(stderr, "a found cycle does not verify\n");
              return 1;
            }
        }
        std::string ref_cols = fmt::format("{:>10} {:>10} {:>6}", "-", "-", "-");
        if (const std::string path = ref_path(kind); !path.empty()) {
          std::string error;
          if (auto r = bciin::bench::run_reference(path, bits, t, first_nonce, graphs, kind == SolverKind::kMean, &error)) {
            ref_cols = fmt::format("{:>10.3f} {:>10.1f} {:>6.2f}", r->seconds_per_graph, r->max_rss_kib / 1024.0,
                                   (total / graphs) / r->seconds_per_graph);
          } else {
            ref_cols = fmt::format("({})", error);
          }
        }
        fmt::print("{:>5} {:>4} {:>3} {:>10.3f} {:>9} {:>10.1f} {:>10.1f} {:>7} {:>6} | {}\n", bits,
                   solver_kind_name(kind), t, total / graphs, graphs, mib(peak), max_rss_kib() / 1024.0, rounds,
                   solutions, ref_cols);
        std::fflush(stdout);
      }
    }
  }
  bench_verify(smoke ? 2000 : 200000);
  fmt::print("(RSS is the process maximum so far; ratio = BCIIN s/graph / reference s/graph, below 1 is faster)\n");
  return 0;
}
