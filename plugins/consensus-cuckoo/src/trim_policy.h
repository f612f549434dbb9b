// When trimming rounds stop and the exact sparse finish (cycle_finder.h) takes over. Shared by both
// solvers so that they hand over comparable edge sets.
#pragma once

#include <cstdint>

#include "bciin/cuckoo/solver.h"

namespace bciin::cuckoo::detail {

inline constexpr unsigned kRoundLimit = 1000;

// Survivors at or below this many edges are finished by peeling in the cycle finder, whose memory is
// a few dozen bytes per survivor: N / 4096 keeps that below a tenth of lean's bitmaps and adds little
// to mean's peak; the tail rounds before it are cheap (they touch only the survivors).
inline uint64_t handover_edges(const SolverOptions& o) {
  const uint64_t n = uint64_t{1} << o.edge_bits;
  const uint64_t h = n >> 12;
  return h > 64 ? h : 64;
}

// True when trimming should stop after `rounds_done` rounds with `alive` edges left, `killed` of them
// removed by the last round.
inline bool stop_trimming(const SolverOptions& o, unsigned rounds_done, uint64_t alive, uint64_t killed) {
  if (o.max_rounds && rounds_done >= o.max_rounds) return true;
  if (rounds_done >= kRoundLimit) return true;
  if (rounds_done < 2) return false;
  return alive <= handover_edges(o) || killed == 0;
}

}  // namespace bciin::cuckoo::detail
