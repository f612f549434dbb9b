#include "bciin/cuckoo/solver.h"

#include <fmt/format.h>

#include "lean_solver.h"
#include "mean_solver.h"

namespace bciin::cuckoo {
namespace {

constexpr unsigned kMaxThreads = 1024;

struct EdgeBitsRange { unsigned min, max; };
EdgeBitsRange supported(SolverKind kind) {
  return kind == SolverKind::kLean ? EdgeBitsRange{10, 32} : EdgeBitsRange{10, 32};
}

Status check_options(const SolverOptions& o) {
  const EdgeBitsRange r = supported(o.kind);
  if (o.edge_bits < r.min || o.edge_bits > r.max)
    return Status::InvalidArgument(fmt::format("the {} solver supports edge bits {}..{}, not {}",
                                                solver_kind_name(o.kind), r.min, r.max, o.edge_bits));
  if (o.threads == 0 || o.threads > kMaxThreads)
    return Status::InvalidArgument(fmt::format("threads must be 1..{}, not {}", kMaxThreads, o.threads));
  return Status();
}

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

}  // namespace

std::string_view solver_kind_name(SolverKind kind) { return kind == SolverKind::kLean ? "lean" : "mean"; }

bool parse_solver_kind(std::string_view name, SolverKind* kind) {
  if (name == "lean") { *kind = SolverKind::kLean; return true; }
  if (name == "mean") { *kind = SolverKind::kMean; return true; }
  return false;
}

uint64_t solver_memory_estimate(const SolverOptions& options) {
  if (!check_options(options).ok()) return 0;
  return options.kind == SolverKind::kLean ? detail::lean_memory_estimate(options)
                                           : detail::mean_memory_estimate(options);
}

Status create_solver(const SolverOptions& options, std::unique_ptr<Solver>* solver) {
  solver->reset();
  if (Status s = check_options(options); !s.ok()) return s;
  const uint64_t need = solver_memory_estimate(options);
  if (options.memory_cap_bytes && need > options.memory_cap_bytes)
    return Status::ResourceExhausted(fmt::format(
        "the {} solver at {} edge bits with {} thread(s) needs {} ({} bytes), above the memory cap of {} ({} bytes)",
        solver_kind_name(options.kind), options.edge_bits, options.threads, mib(need), need,
        mib(options.memory_cap_bytes), options.memory_cap_bytes));
  try {
    *solver = options.kind == SolverKind::kLean ? detail::make_lean_solver(options)
                                                : detail::make_mean_solver(options);
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(fmt::format("could not allocate {} for the {} solver", mib(need),
                                                  solver_kind_name(options.kind)));
  }
  return Status();
}

}  // namespace bciin::cuckoo
