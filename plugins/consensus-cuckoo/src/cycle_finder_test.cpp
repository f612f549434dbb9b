// The solvers against an exhaustive search of the whole graph (no trimming rounds: all edges go
// straight to the cycle finder), and lean against mean.
#include "cycle_finder.h"

#include <gtest/gtest.h>

#include "solver_test_util.h"

namespace bciin::cuckoo {
namespace {

std::vector<Proof> whole_graph_cycles(const SipKeys& keys, unsigned edge_bits) {
  const uint64_t mask = edge_mask_for(edge_bits);
  std::vector<detail::SurvivorEdge> edges;
  for (uint64_t e = 0; e <= mask; ++e) edges.push_back({sipnode(keys, e, 0, mask), sipnode(keys, e, 1, mask), e});
  std::vector<Proof> cycles;
  EXPECT_TRUE(detail::find_cycles(edges, &cycles, nullptr, nullptr, nullptr));
  return cycles;
}

TEST(CycleFinder, SolversFindEveryCycleOfTheWholeGraph) {
  unsigned graphs_with_cycles = 0;
  for (unsigned edge_bits : {12u, 13u, 16u}) {
    for (uint32_t nonce = 0; nonce < (edge_bits == 16 ? 4u : 60u); ++nonce) {
      const SipKeys keys = keys_for(Hash256{}, nonce);
      const std::vector<Proof> expect = whole_graph_cycles(keys, edge_bits);
      graphs_with_cycles += !expect.empty();
      EXPECT_EQ(testing::solve_with(SolverKind::kLean, edge_bits, 2, keys), expect) << edge_bits << " " << nonce;
      EXPECT_EQ(testing::solve_with(SolverKind::kMean, edge_bits, 2, keys), expect) << edge_bits << " " << nonce;
    }
  }
  EXPECT_GT(graphs_with_cycles, 0u);
}

TEST(CycleFinder, CountsShorterCycles) {
  const SipKeys keys = keys_for(Hash256{}, 1546569);
  const uint64_t mask = edge_mask_for(15);
  std::vector<detail::SurvivorEdge> edges;
  for (uint64_t e = 0; e <= mask; ++e) edges.push_back({sipnode(keys, e, 0, mask), sipnode(keys, e, 1, mask), e});
  std::vector<Proof> cycles;
  SolveStats stats;
  ASSERT_TRUE(detail::find_cycles(edges, &cycles, &stats, nullptr, nullptr));
  EXPECT_EQ(cycles.size(), 2u);
  EXPECT_EQ(stats.cycles_by_length[21], 2u);
}

TEST(CycleFinder, DuplicateEdgesGiveOneProofPerCopy) {
  // A 42-cycle laid out by hand in node space, plus a copy of its first edge under another id.
  std::vector<detail::SurvivorEdge> edges;
  for (unsigned i = 0; i < kProofSize; ++i)
    edges.push_back({2 * (100 + i / 2) + (i & 1), 2 * (100 + ((i + 1) / 2) % 21) + ((i + 1) & 1), 10 + i});
  edges.push_back({edges[0].u, edges[0].v, 1000});
  std::vector<Proof> cycles;
  ASSERT_TRUE(detail::find_cycles(edges, &cycles, nullptr, nullptr, nullptr));
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_EQ(cycles[0][0], 10u);
  EXPECT_EQ(cycles[1][41], 1000u);
}

}  // namespace
}  // namespace bciin::cuckoo
