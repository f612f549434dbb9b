// Helpers shared by the solver tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/solver.h"
#include "bciin/cuckoo/verify.h"

namespace bciin::cuckoo::testing {

inline std::vector<Proof> solve_with(SolverKind kind, unsigned edge_bits, unsigned threads, const SipKeys& keys,
                                     SolveStats* stats = nullptr) {
  SolverOptions o;
  o.kind = kind;
  o.edge_bits = edge_bits;
  o.threads = threads;
  std::unique_ptr<Solver> solver;
  const Status created = create_solver(o, &solver);
  EXPECT_TRUE(created.ok()) << created.ToString();
  std::vector<Proof> proofs;
  if (!solver) return proofs;
  std::atomic<bool> cancel{false};
  const Status s = solver->solve(keys, &cancel, &proofs, stats);
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (const Proof& p : proofs) EXPECT_EQ(verify(keys, p, edge_bits), VerifyCode::kOk);
  return proofs;
}

// Grin's lean_miner test layout: 84 zero bytes with the nonce LE u32 in bytes 80..83.
inline SipKeys grin_lean_keys(uint32_t nonce) {
  std::vector<uint8_t> header(84, 0);
  for (unsigned i = 0; i < 4; ++i) header[80 + i] = static_cast<uint8_t>(nonce >> (8 * i));
  return derive_keys(header);
}

}  // namespace bciin::cuckoo::testing
