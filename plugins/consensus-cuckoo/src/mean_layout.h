// How the mean solver lays out its buckets, and the 4-byte edge stream of its first pass.
//
// Nodes split into high bits (the bucket) and low bits (the residue); a bucket's residues are counted in a
// bitmap of 2^residue bits that stays in cache.
//
// Generation files edges by the high GX bits of U into 2^GX buckets; round 1 counts a bucket's U residues
// (GR = n - GX bits) in a bitmap of up to 2^22 bits (512 KiB, in L2). Few buckets keep generation's write
// heads (one open cache line per bucket) in L1.
// From round 1's output on, buckets use X high bits and R = n - X residue bits: X is chosen so that R <= 19
// (a 64 KiB bitmap) and so that an entry - the residue of the endpoint to be trimmed next and the other
// endpoint in full, 2n - X bits - fits in 6 bytes.
//
// Generation writes each edge once, as 4 bytes, into the bucket of its U endpoint: the U residue in the
// high GR bits and the low D = 32 - GR bits of the edge index. The rest of the index is implied: every
// writer thread takes its blocks of edges in increasing order and keeps one stream per bucket, so an
// index follows from the previous one in its stream plus the difference of the low bits.
// A gap of 2^D or more is preceded by a marker entry whose low bits equal the previous entry's (a
// difference of 0, which no real entry has) and whose high bits carry the next index's bits above D;
// the entry after a marker is read absolutely. Gaps average 2^GX within a block, and D - GX = 32 - n, so up
// to 29 edge bits markers cost under 0.1 % of the entries, plus one per bucket where a thread skips blocks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "bciin/cuckoo/siphash.h"
#include "bciin/cuckoo/solver.h"

namespace bciin::cuckoo::detail {

struct MeanGeometry {
  static constexpr unsigned kWidth = 6;      // bytes per entry from round 1 on
  static constexpr uint64_t kGuard = 8;      // slack after a chunk's entries: entries are moved as 8 bytes
  static constexpr unsigned kMaxResidue = 19;
  static constexpr unsigned kMaxGenResidue = 22;

  unsigned n;             // edge bits
  unsigned xbits;         // bucket bits X
  unsigned res_bits;      // R = n - X
  unsigned gen_xbits;     // generation's bucket bits GX <= X
  unsigned gen_res_bits;  // GR = n - GX
  unsigned delta_bits;    // D = 32 - GR, index bits kept in a generation entry
  uint64_t buckets;       // 2^X
  uint64_t gen_buckets;   // 2^GX
  uint64_t chunk_bytes;   // bytes per chunk, guard included
  uint64_t pool_chunks;   // chunks in the pool (address space; pages are touched only when used)

  explicit MeanGeometry(const SolverOptions& o) : n(o.edge_bits) {
    const int ni = static_cast<int>(n);
    xbits = static_cast<unsigned>(std::max({ni - static_cast<int>(kMaxResidue), 2 * ni - 8 * static_cast<int>(kWidth),
                                            std::min(4, ni - 8)}));
    res_bits = n - xbits;
    // Fewer generation buckets only where each still leaves 32+ per thread for balance (27 bits and up);
    // below, generation uses round 1's buckets.
    gen_xbits = ni - static_cast<int>(kMaxGenResidue) >= 5 ? std::min(xbits, n - kMaxGenResidue) : xbits;
    gen_res_bits = n - gen_xbits;
    delta_bits = 32 - gen_res_bits;
    buckets = uint64_t{1} << xbits;
    gen_buckets = uint64_t{1} << gen_xbits;
    const uint64_t edges = uint64_t{1} << n;
    const uint64_t threads = o.threads;
    chunk_bytes = std::clamp<uint64_t>(edges / buckets / threads / 4 * 4, 1024, 8192) + kGuard;
    // Generation: 4 bytes per edge plus markers, one partly filled chunk per stream. Round 1 writes about
    // 0.632 N entries of 6 bytes while it frees what it read, so 4.3 bytes per edge cover both with room
    // for chance; each thread also holds the bucket it reads and one open chunk per bucket.
    const double marker_rate = std::exp(-std::ldexp(1.0, static_cast<int>(delta_bits) - static_cast<int>(gen_xbits)));
    const double per_edge = std::max(4.0 * (1.0 + 1.5 * marker_rate), 4.3);
    const uint64_t usable = chunk_bytes - kGuard;
    const uint64_t bulk = static_cast<uint64_t>(std::ceil(per_edge * static_cast<double>(edges) / usable));
    const uint64_t bucket_chunks = (4 * edges / gen_buckets) / usable + 2;
    pool_chunks = bulk + 2 * buckets * threads + threads * (bucket_chunks + 2 * threads) + 16;
  }

  uint64_t delta_mask() const { return (uint64_t{1} << delta_bits) - 1; }
  uint64_t residue_mask() const { return (uint64_t{1} << res_bits) - 1; }
  uint64_t gen_residue_mask() const { return (uint64_t{1} << gen_res_bits) - 1; }
  // Words of the counting bitmap of round 1 (generation residues) and of later rounds; a thread's
  // bitmap buffer holds the larger.
  uint64_t gen_bitmap_words() const { return std::max<uint64_t>((uint64_t{1} << gen_res_bits) / 64, 1); }
  uint64_t bitmap_words() const { return std::max<uint64_t>((uint64_t{1} << res_bits) / 64, 1); }
  uint64_t bitmap_buffer_words() const { return std::max(gen_bitmap_words(), bitmap_words()); }
  // Entries of `width` bytes a chunk holds.
  uint32_t capacity(unsigned width) const { return static_cast<uint32_t>((chunk_bytes - kGuard) / width); }
};

// Encodes a generation stream. The caller keeps each stream's previous edge, kNoEdge before the first
// (so edge 0 follows with a difference of 1).
class EdgeStreamWriter {
 public:
  static constexpr uint64_t kNoEdge = ~uint64_t{0};

  explicit EdgeStreamWriter(unsigned delta_bits) : dbits_(delta_bits), dmask_((uint64_t{1} << delta_bits) - 1) {}

  // True if `edge` needs a marker before its entry.
  bool needs_marker(uint64_t prev, uint64_t edge) const { return edge - prev > dmask_; }
  uint32_t marker(uint64_t prev, uint64_t edge) const {
    return static_cast<uint32_t>((edge & ~dmask_) | (prev & dmask_));
  }
  uint32_t entry(uint64_t edge, uint64_t residue) const {
    return static_cast<uint32_t>((residue << dbits_) | (edge & dmask_));
  }

 private:
  unsigned dbits_;
  uint64_t dmask_;
};

// Decodes one stream written by EdgeStreamWriter.
class EdgeStreamReader {
 public:
  explicit EdgeStreamReader(unsigned delta_bits) : dbits_(delta_bits), dmask_((uint64_t{1} << delta_bits) - 1) {}

  // Returns false for a marker; otherwise sets *edge (the residue is x >> delta_bits). An entry's index
  // is the previous one's bits above D plus its own low bits, plus 2^D when the low bits wrapped (a
  // difference below 2^D makes that unambiguous): one add on the chain from entry to entry.
  bool next(uint32_t x, uint64_t* edge) {
    const uint64_t low = x & dmask_;
    if (absolute_) [[unlikely]] {
      absolute_ = false;
    } else if (low == low_) [[unlikely]] {  // a difference of 0: a marker
      base_ = uint64_t{x >> dbits_} << dbits_;
      absolute_ = true;
      return false;
    } else {
      base_ += uint64_t{low < low_} << dbits_;
    }
    low_ = low;
    *edge = base_ | low;
    return true;
  }

 private:
  unsigned dbits_;
  uint64_t dmask_;
  // The previous index (EdgeStreamWriter::kNoEdge at first) as its bits above D and its low bits.
  uint64_t base_ = EdgeStreamWriter::kNoEdge & ~dmask_;
  uint64_t low_ = dmask_;
  bool absolute_ = false;
};

}  // namespace bciin::cuckoo::detail
