// Cuckatoo solvers: find every 42-cycle of one graph.
//
//   lean  bitmap trimming: an alive-edge bitmap and a node bitmap, N/4 bytes at N = 2^edge_bits edges;
//         with 2-4 threads one node bitmap per thread (N/8 bytes more each) unless the memory cap
//         forbids. Each round touches random bits of bitmaps larger than cache: memory-latency bound.
//   mean  bucketed edge trimming: edges live in buckets keyed by the high bits of the endpoint trimmed
//         next (4-byte entries with delta-coded edge indices at first, then 6-byte node pairs); a round
//         streams one bucket at a time and counts node degrees in a cache-resident bitmap: memory-
//         bandwidth bound, about 4.1 bytes per edge.
// Both trim leaf edges, alternating sides, until (almost) nothing more dies, then search the survivors
// exhaustively for 42-cycles (duplicate edges included), so every 42-cycle of the graph is reported.
//
// Thread safety: a Solver owns its buffers; one solve() at a time per Solver. Different Solver objects
// may run concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/siphash.h"
#include <bciin/sdk/status.hpp>

namespace bciin::cuckoo {

enum class SolverKind { kLean, kMean };

// "lean" or "mean"; parse_solver_kind returns false for anything else.
std::string_view solver_kind_name(SolverKind kind);
bool parse_solver_kind(std::string_view name, SolverKind* kind);

struct SolverOptions {
  SolverKind kind = SolverKind::kMean;
  unsigned edge_bits = 29;       // lean: 8..32, mean: 10..32
  unsigned threads = 1;          // worker threads, >= 1
  uint64_t memory_cap_bytes = 0; // 0: no cap; otherwise creation fails if the solver would need more
  unsigned max_rounds = 0;       // 0: trim until nothing more dies (capped at 1000); else at most this many
};

struct SolveStats {
  unsigned rounds = 0;             // trimming rounds run
  uint64_t edges_after_trim = 0;   // survivors handed to the cycle search
  uint64_t cycles_by_length[kProofSize / 2 + 1] = {};  // [k] = cycles of length 2k found (k <= 21)
  uint64_t dropped_edges = 0;      // edges lost to bucket overflow (mean; 0 means full fidelity)
  double trim_seconds = 0;
  double search_seconds = 0;       // cycle search plus (mean) solution recovery
  uint64_t peak_bytes = 0;         // largest total of solver-owned buffers during the solve
};

// Called between rounds from the solving thread: (round, edges alive), round 0 once the edges are
// generated (mean solver). Keep it cheap.
using ProgressFn = void (*)(void* ctx, unsigned round, uint64_t alive);

class Solver {
 public:
  virtual ~Solver() = default;

  // Solves the graph keyed by `keys`. On OK, *proofs holds every 42-cycle found, each sorted ascending,
  // the list sorted and free of duplicates, each verifying as VerifyCode::kOk. If `cancel` becomes true
  // (checked between trimming rounds and during the search) returns a Status with code BCIIN_ERR_CANCELLED and *proofs is
  // empty. `stats` may be null.
  virtual Status solve(const SipKeys& keys, const std::atomic<bool>* cancel, std::vector<Proof>* proofs,
                       SolveStats* stats = nullptr) = 0;

  // Bytes of the solver's large buffers, allocated at creation (the cycle search adds a little more,
  // proportional to the survivors; SolveStats::peak_bytes reports the total).
  virtual uint64_t memory_bytes() const = 0;

  virtual const SolverOptions& options() const = 0;

  void set_progress(ProgressFn fn, void* ctx) { progress_ = fn; progress_ctx_ = ctx; }

 protected:
  void report_progress(unsigned round, uint64_t alive) const {
    if (progress_) progress_(progress_ctx_, round, alive);
  }

 private:
  ProgressFn progress_ = nullptr;
  void* progress_ctx_ = nullptr;
};

// Bytes a solver with these options will allocate up front (what the memory cap is compared with).
// Returns 0 for options that create_solver would reject for another reason.
uint64_t solver_memory_estimate(const SolverOptions& options);

// Creates a solver and allocates its buffers. Fails with BCIIN_ERR_INVALID_ARGUMENT for unsupported edge bits or
// zero threads, and BCIIN_ERR_RESOURCE when memory_cap_bytes is set and below solver_memory_estimate().
Status create_solver(const SolverOptions& options, std::unique_ptr<Solver>* solver);

}  // namespace bciin::cuckoo
