#include <gtest/gtest.h>

#include "solver_test_util.h"

namespace bciin::cuckoo {
namespace {

using testing::solve_with;

// Every test runs for both solvers: they must agree on every graph.
class SolverTest : public ::testing::TestWithParam<SolverKind> {
 protected:
  SolverKind kind() const { return GetParam(); }
};

// Grin cuckatoo.rs basic_solve: edge bits 15, header [0u8; 80], nonce 1546569 has exactly 2 42-cycles.
TEST_P(SolverTest, GrinBasicSolveHasTwoCycles) {
  const SipKeys keys = keys_for(Hash256{}, 1546569);
  for (unsigned threads : {1u, 2u}) {
    SolveStats stats;
    EXPECT_EQ(solve_with(kind(), 15, threads, keys, &stats).size(), 2u) << threads << " threads";
    EXPECT_EQ(stats.cycles_by_length[21], 2u);
    EXPECT_EQ(stats.dropped_edges, 0u);
  }
}

// Grin lean.rs lean_miner: edge bits 19, 84-byte header, nonce 15465723: at least one 42-cycle.
TEST_P(SolverTest, GrinLeanMinerFindsACycle) {
  EXPECT_GE(solve_with(kind(), 19, 2, testing::grin_lean_keys(15465723)).size(), 1u);
}

TEST_P(SolverTest, CancelledBeforeStart) {
  SolverOptions o;
  o.kind = kind();
  o.edge_bits = 16;
  std::unique_ptr<Solver> solver;
  ASSERT_TRUE(create_solver(o, &solver).ok());
  std::atomic<bool> cancel{true};
  std::vector<Proof> proofs;
  EXPECT_TRUE(solver->solve(keys_for(Hash256{}, 1), &cancel, &proofs).is(BCIIN_ERR_CANCELLED));
  EXPECT_TRUE(proofs.empty());
}

TEST_P(SolverTest, MemoryCapTooSmallIsRefused) {
  SolverOptions o;
  o.kind = kind();
  o.edge_bits = 20;
  o.memory_cap_bytes = 1024;
  std::unique_ptr<Solver> solver;
  const Status s = create_solver(o, &solver);
  EXPECT_EQ(s.code(), BCIIN_ERR_RESOURCE);
  EXPECT_NE(s.message().find("memory cap"), std::string::npos) << s.message();
  EXPECT_FALSE(solver);
  o.memory_cap_bytes = solver_memory_estimate(o);
  EXPECT_TRUE(create_solver(o, &solver).ok());
  EXPECT_LE(solver->memory_bytes(), o.memory_cap_bytes);
}

TEST_P(SolverTest, RejectsBadOptions) {
  SolverOptions o;
  o.kind = kind();
  o.edge_bits = 5;
  std::unique_ptr<Solver> solver;
  EXPECT_EQ(create_solver(o, &solver).code(), BCIIN_ERR_INVALID_ARGUMENT);
  o.edge_bits = 16;
  o.threads = 0;
  EXPECT_EQ(create_solver(o, &solver).code(), BCIIN_ERR_INVALID_ARGUMENT);
}

TEST_P(SolverTest, ReusableAcrossGraphsAndThreadCountsAgree) {
  SolverOptions o;
  o.kind = kind();
  o.edge_bits = 13;
  std::unique_ptr<Solver> one;
  ASSERT_TRUE(create_solver(o, &one).ok());
  o.threads = 3;
  std::unique_ptr<Solver> three;
  ASSERT_TRUE(create_solver(o, &three).ok());
  std::atomic<bool> cancel{false};
  unsigned found = 0;
  for (uint32_t nonce = 40; nonce < 60; ++nonce) {
    const SipKeys keys = keys_for(Hash256{}, nonce);
    std::vector<Proof> a, b;
    ASSERT_TRUE(one->solve(keys, &cancel, &a).ok());
    ASSERT_TRUE(three->solve(keys, &cancel, &b).ok());
    EXPECT_EQ(a, b) << nonce;
    for (const Proof& p : a) EXPECT_EQ(verify(keys, p, 13), VerifyCode::kOk);
    found += static_cast<unsigned>(a.size());
  }
  EXPECT_GT(found, 0u);
}

// Lean with 2-4 threads gives each thread its own node bitmap unless the memory cap leaves no room; with a
// cap of two bitmaps it shares one (atomic marks). Both trim alike: same survivors, same cycles.
TEST(LeanSolver, PrivateAndSharedNodeBitmapsAgree) {
  SolverOptions o;
  o.kind = SolverKind::kLean;
  o.edge_bits = 15;
  o.threads = 2;
  const uint64_t bitmap_bytes = (uint64_t{1} << o.edge_bits) / 8;
  EXPECT_EQ(solver_memory_estimate(o), 3 * bitmap_bytes);
  std::unique_ptr<Solver> private_maps, shared_map;
  ASSERT_TRUE(create_solver(o, &private_maps).ok());
  o.memory_cap_bytes = 2 * bitmap_bytes;
  EXPECT_EQ(solver_memory_estimate(o), 2 * bitmap_bytes);
  ASSERT_TRUE(create_solver(o, &shared_map).ok());
  EXPECT_EQ(shared_map->memory_bytes(), 2 * bitmap_bytes);
  std::atomic<bool> cancel{false};
  unsigned found = 0;
  for (uint32_t nonce = 0; nonce < 40; ++nonce) {
    const SipKeys keys = keys_for(Hash256{}, nonce);
    std::vector<Proof> a, b;
    SolveStats sa, sb;
    ASSERT_TRUE(private_maps->solve(keys, &cancel, &a, &sa).ok());
    ASSERT_TRUE(shared_map->solve(keys, &cancel, &b, &sb).ok());
    EXPECT_EQ(a, b) << nonce;
    EXPECT_EQ(sa.rounds, sb.rounds) << nonce;
    EXPECT_EQ(sa.edges_after_trim, sb.edges_after_trim) << nonce;
    found += static_cast<unsigned>(a.size());
  }
  EXPECT_GT(found, 0u);
}

INSTANTIATE_TEST_SUITE_P(LeanAndMean, SolverTest, ::testing::Values(SolverKind::kLean, SolverKind::kMean),
                         [](const ::testing::TestParamInfo<SolverKind>& info) {
                           return info.param == SolverKind::kLean ? std::string("Lean") : std::string("Mean");
                         });

}  // namespace
}  // namespace bciin::cuckoo
