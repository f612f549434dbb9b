#include "mean_layout.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace bciin::cuckoo::detail {
namespace {

MeanGeometry geometry(unsigned edge_bits, unsigned threads = 1) {
  SolverOptions o;
  o.edge_bits = edge_bits;
  o.threads = threads;
  return MeanGeometry(o);
}

struct Item {
  uint64_t edge, residue;
};

// Writes `items` (increasing edges) as one stream and reads them back.
std::vector<Item> round_trip(const MeanGeometry& g, const std::vector<Item>& items, size_t* markers) {
  const EdgeStreamWriter w(g.delta_bits);
  std::vector<uint32_t> stream;
  *markers = 0;
  uint64_t prev = EdgeStreamWriter::kNoEdge;
  for (const Item& it : items) {
    if (w.needs_marker(prev, it.edge)) {
      stream.push_back(w.marker(prev, it.edge));
      ++*markers;
    }
    stream.push_back(w.entry(it.edge, it.residue));
    prev = it.edge;
  }
  EdgeStreamReader r(g.delta_bits);
  std::vector<Item> out;
  for (uint32_t x : stream) {
    uint64_t edge;
    if (r.next(x, &edge)) out.push_back({edge, x >> g.delta_bits});
  }
  return out;
}

void expect_same(const std::vector<Item>& a, const std::vector<Item>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].edge, b[i].edge) << i;
    EXPECT_EQ(a[i].residue, b[i].residue) << i;
  }
}

TEST(MeanLayout, GeometryKeepsEntriesInTheirWidths) {
  for (unsigned n = 10; n <= 32; ++n) {
    const MeanGeometry g = geometry(n, 2);
    EXPECT_EQ(g.xbits + g.res_bits, n);
    EXPECT_LE(g.res_bits, MeanGeometry::kMaxResidue) << n;
    EXPECT_LE(2 * n - g.xbits, 8 * MeanGeometry::kWidth) << n;  // residue + other endpoint in 6 bytes
    EXPECT_EQ(g.gen_xbits + g.gen_res_bits, n);
    EXPECT_LE(g.gen_xbits, g.xbits) << n;  // round 1's output buckets refine generation's
    EXPECT_LE(g.gen_res_bits, MeanGeometry::kMaxGenResidue) << n;
    EXPECT_EQ(g.gen_res_bits + g.delta_bits, 32u) << n;
    EXPECT_GE(g.delta_bits + g.gen_res_bits, n) << n;  // a marker's high field holds edge >> D
    EXPECT_GE(g.capacity(MeanGeometry::kWidth), 64u) << n;
  }
  // 29 edge bits: markers stay rare (gaps average 2^GX, D = GX + 3), and round 1's bitmap is 512 KiB.
  const MeanGeometry g29 = geometry(29);
  EXPECT_EQ(g29.delta_bits, g29.gen_xbits + 3);
  EXPECT_EQ(g29.gen_bitmap_words() * 8, 512u * 1024);
}

TEST(MeanLayout, StreamRoundTripsDenseAndSparseGaps) {
  for (unsigned n : {12u, 19u, 29u, 32u}) {
    const MeanGeometry g = geometry(n);
    std::mt19937_64 rng(n);
    std::vector<Item> items;
    uint64_t edge = 0;
    const uint64_t limit = uint64_t{1} << n;
    const uint64_t d = uint64_t{1} << g.delta_bits;
    // Gaps: 1, small, exactly 2^D - 1, 2^D, multiples of 2^D, and huge, with random residues.
    const uint64_t gaps[] = {1, 2, d - 1, d, d + 1, 2 * d, 5 * d + 3, 3 * d, 7};
    for (int i = 0; i < 400; ++i) {
      uint64_t gap = i % 3 == 0 ? gaps[(i / 3) % std::size(gaps)] : 1 + rng() % (2 * d);
      if (edge + gap >= limit) break;
      edge += (i == 0) ? 0 : gap;
      items.push_back({edge, rng() & g.gen_residue_mask()});
    }
    items.push_back({limit - 1, g.gen_residue_mask()});
    size_t markers = 0;
    expect_same(round_trip(g, items, &markers), items);
    if (g.delta_bits < n) {  // else no gap can reach 2^D
      EXPECT_GT(markers, 0u) << n;
    }
  }
}

TEST(MeanLayout, FirstEdgeZeroAndDenseRunNeedNoMarker) {
  const MeanGeometry g = geometry(19);
  std::vector<Item> items;
  for (uint64_t e = 0; e < 5000; ++e) items.push_back({e, (e * 7919) & g.gen_residue_mask()});
  size_t markers = 0;
  expect_same(round_trip(g, items, &markers), items);
  EXPECT_EQ(markers, 0u);
}

TEST(MeanLayout, MarkerNeededExactlyFromGapTwoToTheD) {
  const MeanGeometry g = geometry(24);
  const uint64_t d = uint64_t{1} << g.delta_bits;
  const EdgeStreamWriter w(g.delta_bits);
  EXPECT_FALSE(w.needs_marker(100, 100 + d - 1));
  EXPECT_TRUE(w.needs_marker(100, 100 + d));
  EXPECT_FALSE(w.needs_marker(EdgeStreamWriter::kNoEdge, 0));
}

}  // namespace
}  // namespace bciin::cuckoo::detail
