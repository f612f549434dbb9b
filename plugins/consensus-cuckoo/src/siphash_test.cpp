#include "bciin/cuckoo/siphash.h"

#include <gtest/gtest.h>

#include "siphash_batch.h"

namespace bciin::cuckoo {
namespace {

// cuckoo.md 11.1 (Grin siphash.rs hash_some).
TEST(SipHash24, GrinVectors) {
  EXPECT_EQ(siphash24({1, 2, 3, 4}, 10), 928382149599306901ull);
  EXPECT_EQ(siphash24({1, 2, 3, 4}, 111), 10524991083049122233ull);
  EXPECT_EQ(siphash24({9, 7, 6, 7}, 12), 1305683875471634734ull);
  EXPECT_EQ(siphash24({9, 7, 6, 7}, 10), 11589833042187638814ull);
}

TEST(SipHash24, IsConstexpr) {
  static_assert(siphash24({1, 2, 3, 4}, 10) == 928382149599306901ull);
}

TEST(SipHash24, UsesWholeMessageWord) {
  const SipKeys k{1, 2, 3, 4};
  EXPECT_NE(siphash24(k, 1), siphash24(k, 1ull << 63));
  EXPECT_NE(siphash24(k, 0), siphash24({1, 2, 3, 5}, 0));
}

TEST(SipNode, SidesAndMask) {
  const SipKeys k{1, 2, 3, 4};
  const uint64_t mask = edge_mask_for(19);
  EXPECT_EQ(sipnode(k, 5, 0, mask), siphash24(k, 10) & mask);
  EXPECT_EQ(sipnode(k, 5, 1, mask), siphash24(k, 11) & mask);
  // 2 * edge + side in 64 bits: an edge index above 2^32 must not wrap.
  EXPECT_EQ(sipnode(k, uint64_t{1} << 32, 0, ~uint64_t{0}), siphash24(k, uint64_t{1} << 33));
}

TEST(SipNodesBatch, MatchesScalarForEveryLengthAndSide) {
  const SipKeys k{0x27580576fe290177ull, 0xf9ea9b2031f4e76eull, 0x1663308c8607868full, 0xb88839b0fa180d0eull};
  const uint64_t mask = edge_mask_for(29);
  for (size_t count : {0, 1, 7, 8, 9, 63, 64, 257}) {
    std::vector<uint64_t> edges(count), out(count), out_range(count);
    for (size_t i = 0; i < count; ++i) edges[i] = 1000 + 3 * i;
    for (unsigned side : {0u, 1u}) {
      detail::sipnodes(k, edges.data(), count, side, mask, out.data());
      detail::sipnodes_range(k, 5000, count, side, mask, out_range.data());
      for (size_t i = 0; i < count; ++i) {
        EXPECT_EQ(out[i], sipnode(k, edges[i], side, mask)) << count << " " << i;
        EXPECT_EQ(out_range[i], sipnode(k, 5000 + i, side, mask)) << count << " " << i;
      }
    }
  }
}

}  // namespace
}  // namespace bciin::cuckoo
