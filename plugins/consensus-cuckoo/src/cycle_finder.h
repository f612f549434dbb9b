// The last step of both solvers: take the edges that survived trimming, finish trimming them exactly
// (peel leaf edges to the fixpoint), then search the rest for every 42-cycle.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/solver.h"

namespace bciin::cuckoo::detail {

struct SurvivorEdge {
  uint64_t u = 0;   // U endpoint, < 2^edge_bits
  uint64_t v = 0;   // V endpoint, < 2^edge_bits
  uint64_t id = 0;  // what the caller wants back in a proof (an edge index, or a position for mean)
};

// Every 42-cycle (node pairs, different members at each step) among `edges`, each as its 42 ids sorted
// ascending; duplicates (same u and v under different ids) are kept, so a cycle through either copy is
// reported. Adds counts of all cycle lengths to stats->cycles_by_length when stats is given. Returns
// false if cancelled. Bytes used are added to *bytes_used when given.
bool find_cycles(std::vector<SurvivorEdge>& edges, std::vector<Proof>* cycles, SolveStats* stats,
                 const std::atomic<bool>* cancel, uint64_t* bytes_used);

}  // namespace bciin::cuckoo::detail
