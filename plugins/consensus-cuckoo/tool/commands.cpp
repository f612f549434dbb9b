#include "commands.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <iterator>
#include <optional>

#include "bciin/cuckoo/difficulty.h"
#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/solver.h"
#include "bciin/cuckoo/verify.h"

namespace po = boost::program_options;

namespace bciin::cuckoo::tool {
namespace {

struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The 80-byte key buffer from the options shared by all commands:
//   -x <hex>   up to 160 hex digits copied to the start of a zeroed 80-byte buffer (the reference
//              mean solver's -x; exactly 64 digits is a BCIIN header hash)
//   -h <text>  the bytes of a string instead (the reference's -h)
//   -n <nonce> written little-endian into bytes 76..79
void add_header_options(po::options_description& d) {
  d.add_options()
      ("header-hex,x", po::value<std::string>()->default_value(""), "header bytes in hex (at most 160 digits)")
      ("header-text", po::value<std::string>(), "header bytes as a string (instead of -x)")
      ("nonce,n", po::value<uint32_t>()->default_value(0), "nonce, written LE into bytes 76..79");
}

HeaderBuffer header_from(const po::variables_map& vm) {
  HeaderBuffer buf{};
  if (vm.count("header-text")) {
    const std::string& text = vm["header-text"].as<std::string>();
    if (text.size() > kNonceOffset) throw BadInput(fmt::format("--header-text is {} bytes, at most {}", text.size(), kNonceOffset));
    std::copy(text.begin(), text.end(), buf.begin());
    set_nonce(buf, vm["nonce"].as<uint32_t>());
    return buf;
  }
  std::string hex = vm["header-hex"].as<std::string>();
  if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex = hex.substr(2);
  if (hex.size() % 2 || hex.size() > 2 * kHeaderBufferSize)
    throw BadInput(fmt::format("-x takes an even number of hex digits, at most {}; got {}", 2 * kHeaderBufferSize, hex.size()));
  for (size_t i = 0; i < hex.size() / 2; ++i) {
    unsigned v = 0;
    for (char c : hex.substr(2 * i, 2)) {
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else throw BadInput(fmt::format("-x: '{}' is not a hex digit", c));
    }
    buf[i] = static_cast<uint8_t>(v);
  }
  set_nonce(buf, vm["nonce"].as<uint32_t>());
  return buf;
}

std::string keys_line(const SipKeys& k) {
  // The reference prints %llx (no leading zeros); print both forms' common denominator: plain %x.
  return fmt::format("k0 {:x} k1 {:x} k2 {:x} k3 {:x}", k.k0, k.k1, k.k2, k.k3);
}

std::string hex_of(const Hash256& h) {
  std::string s;
  for (uint8_t b : h) s += fmt::format("{:02x}", b);
  return s;
}

// Parses args with `desc`; prints help and returns nullopt when --help was given.
std::optional<po::variables_map> parse(const char* name, po::options_description& desc,
                                       const std::vector<std::string>& args,
                                       po::positional_options_description* positional = nullptr) {
  desc.add_options()("help", "show this help");
  po::variables_map vm;
  auto parser = po::command_line_parser(args).options(desc);
  if (positional) parser.positional(*positional);
  po::store(parser.run(), vm);
  if (vm.count("help")) {
    fmt::print("bciin-cuckoo {}\n", name);
    std::cout << desc << "\n";
    return std::nullopt;
  }
  po::notify(vm);
  return vm;
}

template <typename Fn>
int guarded(const char* name, Fn&& fn) {
  try {
    return fn();
  } catch (const po::error& e) {
    fmt::print(stderr, "bciin-cuckoo {}: {}\n", name, e.what());
  } catch (const BadInput& e) {
    fmt::print(stderr, "bciin-cuckoo {}: {}\n", name, e.what());
  }
  return 2;
}

}  // namespace

int cmd_keys(const std::vector<std::string>& args) {
  return guarded("keys", [&] {
    po::options_description desc("keys options");
    add_header_options(desc);
    desc.add_options()("range,r", po::value<uint32_t>()->default_value(1), "number of consecutive nonces");
    auto vm = parse("keys", desc, args);
    if (!vm) return 0;
    HeaderBuffer buf = header_from(*vm);
    const uint32_t first = (*vm)["nonce"].as<uint32_t>(), range = (*vm)["range"].as<uint32_t>();
    for (uint64_t n = first; n < uint64_t{first} + range; ++n) {
      set_nonce(buf, static_cast<uint32_t>(n));
      fmt::print("nonce {} {}\n", n, keys_line(derive_keys(buf)));
    }
    return 0;
  });
}

namespace {
struct Progress {
  bool enabled;
  std::chrono::steady_clock::time_point start;
};
void print_progress(void* ctx, unsigned round, uint64_t alive) {
  auto* p = static_cast<Progress*>(ctx);
  if (!p->enabled) return;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - p->start).count();
  fmt::print(stderr, "  round {:3} alive {:12} at {:9.1f} ms\n", round, alive, ms);
}
}  // namespace

int cmd_solve(const std::vector<std::string>& args) {
  return guarded("solve", [&] {
    po::options_description desc("solve options");
    add_header_options(desc);
    desc.add_options()
        ("range,r", po::value<uint32_t>()->default_value(1), "number of consecutive nonces")
        ("edge-bits,e", po::value<unsigned>()->default_value(19), "edge bits of the graph")
        ("solver,s", po::value<std::string>()->default_value("mean"), "mean or lean")
        ("threads,t", po::value<unsigned>()->default_value(1), "worker threads")
        ("memory-cap", po::value<uint64_t>()->default_value(0), "refuse to run above this many MiB (0: no cap)")
        ("rounds,m", po::value<unsigned>()->default_value(0), "trimming rounds (0: until nothing dies)")
        ("progress", po::bool_switch(), "print every trimming round to stderr");
    auto vm = parse("solve", desc, args);
    if (!vm) return 0;
    SolverOptions o;
    if (!parse_solver_kind((*vm)["solver"].as<std::string>(), &o.kind))
      throw BadInput(fmt::format("--solver must be mean or lean, not '{}'", (*vm)["solver"].as<std::string>()));
    o.edge_bits = (*vm)["edge-bits"].as<unsigned>();
    o.threads = (*vm)["threads"].as<unsigned>();
    o.memory_cap_bytes = (*vm)["memory-cap"].as<uint64_t>() << 20;
    o.max_rounds = (*vm)["rounds"].as<unsigned>();
    std::unique_ptr<Solver> solver;
    if (Status s = create_solver(o, &solver); !s.ok()) throw BadInput(s.ToString());
    fmt::print("{} solver, {} edge bits, {} thread(s), {:.1f} MiB\n", solver_kind_name(o.kind), o.edge_bits,
               o.threads, static_cast<double>(solver->memory_bytes()) / (1 << 20));
    Progress progress{(*vm)["progress"].as<bool>(), {}};
    solver->set_progress(print_progress, &progress);
    HeaderBuffer buf = header_from(*vm);
    const uint32_t first = (*vm)["nonce"].as<uint32_t>(), range = (*vm)["range"].as<uint32_t>();
    std::atomic<bool> cancel{false};
    uint64_t total = 0;
    double total_seconds = 0;
    for (uint64_t n = first; n < uint64_t{first} + range; ++n) {
      set_nonce(buf, static_cast<uint32_t>(n));
      const SipKeys keys = derive_keys(buf);
      fmt::print("nonce {} {}\n", n, keys_line(keys));
      progress.start = std::chrono::steady_clock::now();
      std::vector<Proof> proofs;
      SolveStats st;
      const Status s = solver->solve(keys, &cancel, &proofs, &st);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - progress.start).count();
      total_seconds += seconds;
      if (!s.ok()) {
        fmt::print(stderr, "bciin-cuckoo solve: {}\n", s.ToString());
        return 2;
      }
      for (unsigned len = 2; len <= kProofSize / 2; ++len)
        if (st.cycles_by_length[len]) fmt::print("  {} {}-cycle(s) found\n", st.cycles_by_length[len], 2 * len);
      for (const Proof& p : proofs) {
        fmt::print("Solution {}\n", format_proof_hex(p));
        fmt::print("  cyclehash {} (reference {})\n", hex_of(cycle_hash(p, o.edge_bits)),
                   hex_of(reference_cyclehash(p, o.edge_bits)));
      }
      total += proofs.size();
      fmt::print("Time: {:.0f} ms (trim {:.0f} ms in {} rounds, {} survivors, search {:.0f} ms), peak {:.1f} MiB\n",
                 seconds * 1e3, st.trim_seconds * 1e3, st.rounds, st.edges_after_trim, st.search_seconds * 1e3,
                 static_cast<double>(st.peak_bytes) / (1 << 20));
    }
    fmt::print("{} solution(s) in {} graph(s), {:.3f} s per graph\n", total, range, range ? total_seconds / range : 0.0);
    return 0;
  });
}

int cmd_verify(const std::vector<std::string>& args) {
  return guarded("verify", [&] {
    po::options_description desc("verify options");
    add_header_options(desc);
    desc.add_options()
        ("edge-bits,e", po::value<unsigned>()->default_value(29), "edge bits of the graph")
        ("decimal", po::bool_switch(), "edges are decimal (default: hex, the reference's Solution format)")
        ("edges", po::value<std::vector<std::string>>()->multitoken(),
         "the 42 edges (or '-' / nothing to read one line from stdin)");
    po::positional_options_description pos;
    pos.add("edges", -1);
    auto vm = parse("verify", desc, args, &pos);
    if (!vm) return 0;
    std::string text;
    if (vm->count("edges") && !(vm->at("edges").as<std::vector<std::string>>() == std::vector<std::string>{"-"})) {
      for (const auto& e : (*vm)["edges"].as<std::vector<std::string>>()) text += e + " ";
    } else {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    std::string why;
    const std::optional<Proof> proof = parse_proof(text, !(*vm)["decimal"].as<bool>(), &why);
    if (!proof) throw BadInput(why);
    const unsigned edge_bits = (*vm)["edge-bits"].as<unsigned>();
    if (edge_bits < kMinEdgeBits || edge_bits > kMaxEdgeBits)
      throw BadInput(fmt::format("--edge-bits must be {}..{}", kMinEdgeBits, kMaxEdgeBits));
    const SipKeys keys = derive_keys(header_from(*vm));
    const VerifyCode code = verify(keys, *proof, edge_bits);
    fmt::print("{} {} ({})\n", static_cast<int>(code), verify_code_name(code), verify_code_message(code));
    if (code == VerifyCode::kOk)
      fmt::print("cyclehash {}\nreference cyclehash {}\n", hex_of(cycle_hash(*proof, edge_bits)),
                 hex_of(reference_cyclehash(*proof, edge_bits)));
    return code == VerifyCode::kOk ? 0 : 1;
  });
}

}  // namespace bciin::cuckoo::tool
