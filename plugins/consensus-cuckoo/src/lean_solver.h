#pragma once

#include <memory>

#include "bciin/cuckoo/solver.h"

namespace bciin::cuckoo::detail {

uint64_t lean_memory_estimate(const SolverOptions& options);
std::unique_ptr<Solver> make_lean_solver(const SolverOptions& options);

}  // namespace bciin::cuckoo::detail
