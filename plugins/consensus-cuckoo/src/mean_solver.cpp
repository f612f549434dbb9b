// Mean solver: bucketed edge trimming with sequential memory traffic (layout in mean_layout.h).
//
// Generation hashes the U endpoint of every edge and files the edge as a 4-byte entry (U residue and
// the low bits of its index) in the bucket of U's high bits (few buckets: 128 at 29 edge bits, so the
// write heads stay in L1). Round 1 takes one bucket at a time (threads take different buckets), counts
// the U residues in a bitmap that stays in L2, then goes through the bucket in slices: decode and keep
// the survivors, hash their V endpoints together (about 63 % of the edges are hashed), and file each as a
// 6-byte entry in the bucket of V: V's residue and U in full. Later rounds read and write 6-byte
// entries, alternating sides: the residue of the side being trimmed, the other endpoint in full.
// Buckets are lists of fixed-size chunks drawn from one pool; a bucket's chunks return to the pool as
// soon as it is processed, so round 1's output reuses the memory generation's entries free, and the
// solve touches about 4.1 bytes per edge (4.3 reserved).
// Chunks are reused last-freed-first, so the pages touched stay close to what is live.
// Edge indices are dropped after round 1: once a cycle is found among the survivors, all N edges are
// regenerated to recover the indices of its node pairs ("solution recovery").
#include "mean_solver.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "bciin/cuckoo/verify.h"
#include "cycle_finder.h"
#include "mean_layout.h"
#include "multiversion.h"
#include "pool_memory.h"
#include "siphash_batch.h"
#include "trim_policy.h"

namespace bciin::cuckoo::detail {
namespace {

constexpr size_t kBatch = 256;      // edges hashed together by generation and recovery
constexpr size_t kHashBatch = 64;   // round-1 survivors whose V is hashed together
// Rounds with at most max(N / kTailFraction, kTailMinimum) edges alive use one thread: below that a
// round's work is worth less than starting and joining a thread (and waiting for one descheduled).
constexpr uint64_t kTailFraction = 1024;
constexpr uint64_t kTailMinimum = uint64_t{1} << 20;
constexpr unsigned kWidth = MeanGeometry::kWidth;
// Chunks are scattered over the pool, which breaks the hardware's stream detection at every chunk;
// reads prefetch this far ahead (prefetching past a chunk's end is harmless).
constexpr unsigned kPrefetchAhead = 1024;
// Entries from round 1 on: (other endpoint << R) | residue of the keyed endpoint, in 6 bytes. They are
// loaded as 8 bytes; the 2 bytes beyond belong to the next entry (or the chunk's guard) and are masked
// off where they matter (the other endpoint).
inline uint64_t load_entry(const uint8_t* p) {
  uint64_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

// Residue widths as compile-time constants where the geometry allows (R = 19 from 24 to 29 edge bits, GR =
// 22 from 27), so that the hot loops shift by immediates; kAnyResidue reads the width at run time.
constexpr unsigned kAnyResidue = 0;
constexpr unsigned kCommonResidue = MeanGeometry::kMaxResidue;
constexpr unsigned kCommonGenResidue = MeanGeometry::kMaxGenResidue;

inline uint32_t load_gen_entry(const uint8_t* p) {
  uint32_t x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

class MeanSolver final : public Solver {
 public:
  explicit MeanSolver(const SolverOptions& options)
      : options_(options),
        geo_(options),
        pool_(geo_.pool_chunks * geo_.chunk_bytes),
        fill_(geo_.pool_chunks),
        bitmaps_(new uint64_t[geo_.bitmap_buffer_words() * options.threads]) {
    for (auto& gen : lists_) gen.assign(geo_.buckets * options.threads, {});
  }

  uint64_t memory_bytes() const override { return mean_memory_estimate(options_); }
  const SolverOptions& options() const override { return options_; }

  Status solve(const SipKeys& keys, const std::atomic<bool>* cancel, std::vector<Proof>* proofs,
               SolveStats* stats) override {
    proofs->clear();
    SolveStats local;
    SolveStats& st = stats ? *stats : local;
    st = SolveStats{};
    dropped_ = 0;
    const auto t0 = std::chrono::steady_clock::now();
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };

    reset_pool();
    cur_ = 0;
    next_bucket_ = 0;  // counts edge blocks here
    // Residue widths as compile-time constants: 27-29 edge bits (22, 19), 24-26 (19, 19); others at run time.
    const unsigned shape = geo_.res_bits != kCommonResidue ? 0 : geo_.gen_res_bits == kCommonGenResidue ? 1
                         : geo_.gen_res_bits == kCommonResidue ? 2 : 0;
    run_parallel([&](unsigned t) {
      if (shape == 1)
        generate<kCommonGenResidue>(keys, t);
      else if (shape == 2)
        generate<kCommonResidue>(keys, t);
      else
        generate<kAnyResidue>(keys, t);
    });
    cur_ ^= 1;  // the generated buckets (keyed by U) are what round 1 reads
    uint64_t alive = uint64_t{1} << geo_.n;
    report_progress(0, alive);  // generation done
    unsigned rounds = 0;
    for (;;) {
      if (cancelled()) return Status::Cancelled("cancelled");
      std::vector<uint64_t> survivors(options_.threads, 0);
      next_bucket_ = 0;
      if (rounds == 0)
        run_parallel([&](unsigned t) {
          survivors[t] = shape == 1   ? first_round<kCommonGenResidue, kCommonResidue>(keys, t)
                         : shape == 2 ? first_round<kCommonResidue, kCommonResidue>(keys, t)
                                      : first_round<kAnyResidue, kAnyResidue>(keys, t);
        });
      else
        // The long tail of small rounds runs on one thread: each round ends in a join, and on a loaded
        // machine waiting there for a descheduled thread costs more than the round's work.
        run_parallel(
            [&](unsigned t) {
              survivors[t] = shape ? trim_round<kCommonResidue>(t) : trim_round<kAnyResidue>(t);
            },
            alive > std::max((uint64_t{1} << geo_.n) / kTailFraction, kTailMinimum) ? options_.threads : 1);
      cur_ ^= 1;
      uint64_t now_alive = 0;
      for (uint64_t s : survivors) now_alive += s;
      const uint64_t killed = alive - now_alive;
      alive = now_alive;
      ++rounds;
      report_progress(rounds, alive);
      if (stop_trimming(options_, rounds, alive, killed)) break;
    }
    st.rounds = rounds;
    st.dropped_edges = dropped_.load();
    const auto t1 = std::chrono::steady_clock::now();
    st.trim_seconds = std::chrono::duration<double>(t1 - t0).count();
    if (cancelled()) return Status::Cancelled("cancelled");

    // After an odd number of rounds the buckets are keyed by V (the last round trimmed U and re-keyed).
    const unsigned keyed_side = rounds & 1;
    std::vector<SurvivorEdge> edges;
    edges.reserve(alive);
    const uint64_t mask = edge_mask_for(geo_.n), rmask = geo_.residue_mask();
    for (uint64_t b = 0; b < geo_.buckets; ++b) {
      for (unsigned t = 0; t < options_.threads; ++t) {
        for (uint32_t c : lists_[cur_][b * options_.threads + t]) {
          const uint8_t* p = chunk_data(c);
          for (uint32_t i = 0; i < fill_[c]; ++i, p += kWidth) {
            const uint64_t x = load_entry(p);
            const uint64_t keyed = (b << geo_.res_bits) | (x & rmask);
            const uint64_t other = (x >> geo_.res_bits) & mask;
            const uint64_t id = edges.size();
            edges.push_back(keyed_side == 0 ? SurvivorEdge{keyed, other, id} : SurvivorEdge{other, keyed, id});
          }
        }
      }
    }
    const std::vector<SurvivorEdge> positions = edges;  // find_cycles may reorder its input
    uint64_t search_bytes = positions.capacity() * sizeof(SurvivorEdge);
    std::vector<Proof> cycles;
    if (!find_cycles(edges, &cycles, &st, cancel, &search_bytes)) return Status::Cancelled("cancelled");
    if (!cycles.empty() && !recover(keys, positions, cycles, proofs, cancel)) return Status::Cancelled("cancelled");
    st.peak_bytes = touched_bytes() + search_bytes;
    st.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    return Status();
  }

 private:
  template <typename Fn>
  void run_parallel(Fn&& fn, unsigned threads = 0) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < (threads ? threads : options_.threads); ++t) pool.emplace_back(fn, t);
    fn(0u);
    for (auto& th : pool) th.join();
  }

  uint8_t* chunk_data(uint32_t c) { return pool_.get() + uint64_t{c} * geo_.chunk_bytes; }

  // Buffers the solve has touched: the pool up to its highest chunk used, bitmaps, bookkeeping.
  uint64_t touched_bytes() const {
    return high_water_ * geo_.chunk_bytes + geo_.pool_chunks * sizeof(uint32_t) * 2 +
           geo_.bitmap_buffer_words() * sizeof(uint64_t) * options_.threads;
  }

  void reset_pool() {
    free_.clear();
    for (uint64_t c = geo_.pool_chunks; c-- > 0;) free_.push_back(static_cast<uint32_t>(c));
    for (auto& gen : lists_)
      for (auto& l : gen) l.clear();
  }

  // A writer's open chunk for one destination bucket: entries go straight to `ptr` until it reaches `end`.
  struct Open {
    uint8_t* ptr = nullptr;
    uint8_t* end = nullptr;  // inside its chunk (the guard follows), so it also names the chunk
  };

  // Records how many entries of `width` bytes an open chunk holds.
  void close_chunk(Open& o, unsigned width) {
    if (!o.ptr) return;
    const uint32_t c = static_cast<uint32_t>((o.end - 1 - pool_.get()) / geo_.chunk_bytes);
    fill_[c] = static_cast<uint32_t>((o.ptr - chunk_data(c)) / width);
  }

  // Kept out of line: the hot loops that call it on a full chunk keep their registers.
  __attribute__((noinline)) bool open_chunk(unsigned t, uint64_t bucket, Open& open, unsigned width) {
    uint32_t c;
    {
      std::lock_guard lock(pool_mutex_);
      if (free_.empty()) return false;
      c = free_.back();
      free_.pop_back();
      high_water_ = std::max<uint64_t>(high_water_, uint64_t{c} + 1);
    }
    close_chunk(open, width);
    lists_[cur_ ^ 1][bucket * options_.threads + t].push_back(c);
    open = {chunk_data(c), chunk_data(c) + uint64_t{geo_.capacity(width)} * width};
    return true;
  }

  // Appends a 6-byte entry (stored as 8 bytes; the next entry or the chunk's guard takes the excess).
  inline void append(unsigned t, std::vector<Open>& opens, uint64_t bucket, uint64_t entry) {
    Open& o = opens[bucket];
    if (o.ptr == o.end && !open_chunk(t, bucket, o, kWidth)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    std::memcpy(o.ptr, &entry, sizeof entry);
    o.ptr += kWidth;
  }

  void close_chunks(std::vector<Open>& opens) {
    for (Open& o : opens) close_chunk(o, kWidth);
    opens.assign(opens.size(), Open{});
  }

  // A generation stream: the open chunk of one bucket and the last edge written to it.
  struct GenStream {
    Open open;
    uint64_t prev = EdgeStreamWriter::kNoEdge;
  };

  // Files the edges first + i, i < n, whose U endpoints are us[i], into their streams; stops early,
  // returning where, when a stream's chunk is full (no calls inside: the loop keeps its registers).
  template <unsigned kRes>
  static size_t file_edges(const uint64_t* us, size_t i, size_t n, uint64_t first, GenStream* streams,
                           unsigned res_bits) {
    const unsigned rbits = kRes ? kRes : res_bits;
    const EdgeStreamWriter writer(32 - rbits);
    const uint64_t rmask = edge_mask_for(rbits);
    for (; i < n; ++i) {
      const uint64_t u = us[i], edge = first + i;
      GenStream& g = streams[u >> rbits];
      if (g.open.end - g.open.ptr < 8) break;  // room for a marker and the entry (at most 4 bytes lost)
      if (writer.needs_marker(g.prev, edge)) [[unlikely]] {
        const uint32_t m = writer.marker(g.prev, edge);
        std::memcpy(g.open.ptr, &m, sizeof m);
        g.open.ptr += sizeof m;
      }
      const uint32_t x = writer.entry(edge, u & rmask);
      std::memcpy(g.open.ptr, &x, sizeof x);
      g.open.ptr += sizeof x;
      g.prev = edge;
    }
    return i;
  }

  // Generation: threads take blocks of edges in increasing order from a shared counter (so each
  // thread's streams stay increasing), hash U and file 4-byte entries by U's high bits.
  template <unsigned kRes>
  BCIIN_MULTIVERSION void generate(const SipKeys& keys, unsigned t) {
    const uint64_t edges = uint64_t{1} << geo_.n;
    const uint64_t block = std::max<uint64_t>(edges >> 8, kBatch);
    const uint64_t mask = edge_mask_for(geo_.n);
    const unsigned rbits = kRes ? kRes : geo_.gen_res_bits;
    uint64_t us[kBatch];
    std::vector<GenStream> streams(geo_.gen_buckets);
    for (;;) {
      const uint64_t e0 = next_bucket_.fetch_add(1, std::memory_order_relaxed) * block;
      if (e0 >= edges) break;
      const uint64_t e1 = std::min(e0 + block, edges);
      for (uint64_t e = e0; e < e1; e += kBatch) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kBatch, e1 - e));
        sipnodes_range(keys, e, n, 0, mask, us);
        for (size_t i = 0; (i = file_edges<kRes>(us, i, n, e, streams.data(), rbits)) < n;) {
          // Edge e + i needs a fresh chunk (its marker and entry stay together in one chunk).
          const uint64_t b = us[i] >> rbits;
          if (!open_chunk(t, b, streams[b].open, 4)) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            ++i;
          }
        }
      }
    }
    for (GenStream& g : streams) close_chunk(g.open, 4);
  }

  // Returns bucket b's chunks (all writers) to the pool.
  void release_bucket(uint64_t b) {
    std::lock_guard lock(pool_mutex_);
    for (unsigned w = 0; w < options_.threads; ++w) {
      std::vector<uint32_t>& list = lists_[cur_][b * options_.threads + w];
      free_.insert(free_.end(), list.begin(), list.end());
      list.clear();
    }
  }

  // The software prefetch in the reading loops runs kPrefetchAhead bytes ahead, which past a chunk's end
  // lands in whatever chunk follows in the pool; this fetches the start of the next chunk in the list.
  void prefetch_chunk_start(uint32_t c) {
    const uint8_t* p = chunk_data(c);
    for (unsigned off = 0; off < kPrefetchAhead; off += 64) __builtin_prefetch(p + off);
  }

  // Sets the bit of residue_of(entry) in `bits` for k entries of kBytes bytes at p, with one prefetch per
  // cache line (blocks of 32 entries are whole lines for 4- and 6-byte entries).
  template <unsigned kBytes, typename ResidueOf>
  static void count_residues(const uint8_t* p, uint32_t k, uint64_t* bits, ResidueOf residue_of) {
    constexpr unsigned kPerBlock = 32;
    auto count = [&](const uint8_t* q) {
      const uint64_t r = residue_of(q);
      bits[r >> 6] |= uint64_t{1} << (r & 63);
    };
    uint32_t i = 0;
    for (; i + kPerBlock <= k; i += kPerBlock, p += kPerBlock * kBytes) {
      for (unsigned line = 0; line < kPerBlock * kBytes; line += 64) __builtin_prefetch(p + kPrefetchAhead + line);
      for (unsigned j = 0; j < kPerBlock; ++j) count(p + j * kBytes);
    }
    for (; i < k; ++i, p += kBytes) count(p);
  }

  // Decodes n generation entries at p (a stream continued by `reader`) and keeps those whose U partner
  // is counted in `bits`: their edge indices go to edges[] and their U residues to rs[]. Branch-free but
  // for the rare marker. Returns how many were kept.
  template <unsigned kRes>
  static size_t select_survivors(const uint8_t* p, uint32_t n, EdgeStreamReader& reader, const uint64_t* bits,
                                 uint64_t* edges, uint32_t* rs, unsigned res_bits) {
    const unsigned dbits = 32 - (kRes ? kRes : res_bits);
    size_t kept = 0;
    for (uint32_t i = 0; i < n; ++i, p += 4) {
      const uint32_t x = load_gen_entry(p);
      uint64_t edge;
      if (!reader.next(x, &edge)) continue;
      const uint32_t r = x >> dbits, partner = r ^ 1;
      edges[kept] = edge;
      rs[kept] = r;
      kept += (bits[partner >> 6] >> (partner & 63)) & 1;
    }
    return kept;
  }

  // Files survivors i.. of round 1 (U = high | rs[i], V = vs[i]) as 6-byte entries keyed by V; stops early,
  // returning where, when a destination chunk is full (a leaf loop: its values stay in registers).
  template <unsigned kRes>
  static size_t file_survivors(const uint32_t* rs, const uint64_t* vs, size_t i, size_t n, uint64_t high,
                               Open* opens, unsigned res_bits) {
    const unsigned rbits = kRes ? kRes : res_bits;
    const uint64_t rmask = edge_mask_for(rbits);
    for (; i < n; ++i) {
      Open& o = opens[vs[i] >> rbits];
      if (o.ptr == o.end) break;
      const uint64_t entry = ((high | rs[i]) << rbits) | (vs[i] & rmask);
      std::memcpy(o.ptr, &entry, sizeof entry);
      o.ptr += kWidth;
    }
    return i;
  }

  // Round 1: trims U over the generated buckets, hashes V for the survivors and files them by V. Each
  // chunk goes through in slices of kHashBatch entries: select, hash the slice's survivors together, file.
  template <unsigned kGenRes, unsigned kRes>
  BCIIN_MULTIVERSION uint64_t first_round(const SipKeys& keys, unsigned t) {
    const unsigned gbits = kGenRes ? kGenRes : geo_.gen_res_bits, rbits = kRes ? kRes : geo_.res_bits;
    uint64_t* bits = bitmaps_.get() + geo_.bitmap_buffer_words() * t;
    const uint64_t words = geo_.gen_bitmap_words();
    const uint64_t mask = edge_mask_for(geo_.n);
    uint64_t survivors = 0;
    std::vector<Open> opens(geo_.buckets);
    uint64_t edges[kHashBatch], vs[kHashBatch];
    uint32_t rs[kHashBatch];
    for (;;) {
      const uint64_t b = next_bucket_.fetch_add(1, std::memory_order_relaxed);
      if (b >= geo_.gen_buckets) break;
      std::memset(bits, 0, words * sizeof(uint64_t));
      for (unsigned w = 0; w < options_.threads; ++w) {
        const std::vector<uint32_t>& list = lists_[cur_][b * options_.threads + w];
        for (size_t i = 0; i < list.size(); ++i) {
          if (i + 1 < list.size()) prefetch_chunk_start(list[i + 1]);
          // Counting needs no decoding: a marker's high bits set one more bit, which can only let an edge
          // live a round longer (the exact finish removes it), never remove one.
          count_residues<4>(chunk_data(list[i]), fill_[list[i]], bits,
                            [gbits](const uint8_t* q) { return uint64_t{load_gen_entry(q) >> (32 - gbits)}; });
        }
      }
      const uint64_t high = b << gbits;
      for (unsigned w = 0; w < options_.threads; ++w) {
        EdgeStreamReader reader(32 - gbits);
        for (uint32_t c : lists_[cur_][b * options_.threads + w]) {
          const uint8_t* p = chunk_data(c);
          for (uint32_t done = 0, n = fill_[c]; done < n;) {
            const uint32_t slice = std::min<uint32_t>(n - done, kHashBatch);
            __builtin_prefetch(p + kPrefetchAhead);
            __builtin_prefetch(p + kPrefetchAhead + 64);
            __builtin_prefetch(p + kPrefetchAhead + 128);
            __builtin_prefetch(p + kPrefetchAhead + 192);
            const size_t kept = select_survivors<kGenRes>(p, slice, reader, bits, edges, rs, gbits);
            sipnodes(keys, edges, kept, 1, mask, vs);
            for (size_t i = 0; (i = file_survivors<kRes>(rs, vs, i, kept, high, opens.data(), rbits)) < kept;) {
              if (!open_chunk(t, vs[i] >> rbits, opens[vs[i] >> rbits], kWidth)) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                ++i;
              }
            }
            survivors += kept;
            done += slice;
            p += 4 * slice;
          }
        }
      }
      release_bucket(b);
    }
    close_chunks(opens);
    return survivors;
  }

  // The survivor pass of a later round over the entries [p, end) of one chunk: writes every entry whose
  // keyed endpoint's partner is in `bits` to the bucket of its other endpoint, re-keyed by it. Stops
  // early, returning where, when the destination chunk is full (no calls inside: the loop keeps its
  // values in registers). Branch-free: survival is a coin flip in the early rounds, so every entry is
  // stored and only a survivor advances the destination.
  template <unsigned kRes>
  static const uint8_t* trim_entries(const uint8_t* p, const uint8_t* end, const uint64_t* bits, Open* opens,
                                     uint64_t high, uint64_t mask, unsigned res_bits, uint64_t* survivors) {
    const unsigned rbits = kRes ? kRes : res_bits;
    const uint64_t rmask = edge_mask_for(rbits);
    uint64_t count = 0;
    for (; p != end; p += kWidth) {
      const uint64_t x = load_entry(p);
      const uint64_t r = x & rmask, partner = r ^ 1;
      const uint32_t alive = (bits[partner >> 6] >> (partner & 63)) & 1;
      const uint64_t other = (x >> rbits) & mask;
      Open& o = opens[other >> rbits];
      if (o.ptr == o.end) break;
      const uint64_t entry = ((high | r) << rbits) | (other & rmask);
      std::memcpy(o.ptr, &entry, sizeof entry);
      o.ptr += kWidth * alive;
      count += alive;
    }
    *survivors += count;
    return p;
  }

  // A later round; buckets are taken from a shared counter. Returns survivors written by thread t.
  template <unsigned kRes>
  BCIIN_MULTIVERSION uint64_t trim_round(unsigned t) {
    uint64_t* bits = bitmaps_.get() + geo_.bitmap_buffer_words() * t;
    const uint64_t words = geo_.bitmap_words();
    std::memset(bits, 0, words * sizeof(uint64_t));
    const unsigned rbits = kRes ? kRes : geo_.res_bits, threads = options_.threads;
    const uint64_t mask = edge_mask_for(geo_.n), rmask = edge_mask_for(rbits);
    uint64_t survivors = 0;
    std::vector<Open> opens(geo_.buckets);
    for (;;) {
      const uint64_t b = next_bucket_.fetch_add(1, std::memory_order_relaxed);
      if (b >= geo_.buckets) break;
      uint64_t count = 0;
      for (unsigned w = 0; w < threads; ++w) {
        const std::vector<uint32_t>& list = lists_[cur_][b * threads + w];
        for (size_t i = 0; i < list.size(); ++i) {
          if (i + 1 < list.size()) prefetch_chunk_start(list[i + 1]);
          count += fill_[list[i]];
          count_residues<kWidth>(chunk_data(list[i]), fill_[list[i]], bits,
                                 [rmask](const uint8_t* q) { return load_entry(q) & rmask; });
        }
      }
      const uint64_t high = b << rbits;
      for (unsigned w = 0; w < threads; ++w) {
        for (uint32_t c : lists_[cur_][b * threads + w]) {
          const uint8_t* p = chunk_data(c);
          const uint8_t* end = p + uint64_t{fill_[c]} * kWidth;
          while ((p = trim_entries<kRes>(p, end, bits, opens.data(), high, mask, rbits, &survivors)) != end) {
            // The entry at p goes to a full chunk: open another and go on (or count it as dropped).
            const uint64_t x = load_entry(p);
            const uint64_t dest = ((x >> rbits) & mask) >> rbits;
            if (!open_chunk(t, dest, opens[dest], kWidth)) {
              const uint64_t partner = (x & rmask) ^ 1;
              dropped_.fetch_add((bits[partner >> 6] >> (partner & 63)) & 1, std::memory_order_relaxed);
              p += kWidth;
            }
          }
        }
      }
      // Clear what this bucket set: per entry when sparse, whole bitmap when dense.
      if (count < words / 2) {
        for (unsigned w = 0; w < threads; ++w)
          for (uint32_t c : lists_[cur_][b * threads + w]) {
            const uint8_t* p = chunk_data(c);
            for (uint32_t i = 0; i < fill_[c]; ++i, p += kWidth) bits[(load_entry(p) & rmask) >> 6] = 0;
          }
      } else {
        std::memset(bits, 0, words * sizeof(uint64_t));
      }
      release_bucket(b);
    }
    close_chunks(opens);
    return survivors;
  }

  // Regenerates every edge to find the indices of the cycles' node pairs, then verifies.
  bool recover(const SipKeys& keys, const std::vector<SurvivorEdge>& positions, const std::vector<Proof>& cycles,
               std::vector<Proof>* proofs, const std::atomic<bool>* cancel) {
    std::vector<uint64_t> wanted_u;
    for (const Proof& c : cycles)
      for (uint64_t pos : c) wanted_u.push_back(positions[pos].u);
    std::sort(wanted_u.begin(), wanted_u.end());
    wanted_u.erase(std::unique(wanted_u.begin(), wanted_u.end()), wanted_u.end());
    // Open addressing set of u + 1 (0 = empty), load factor at most 1/4.
    unsigned table_bits = 4;
    while ((uint64_t{1} << table_bits) < 4 * wanted_u.size()) ++table_bits;
    std::vector<uint64_t> table(uint64_t{1} << table_bits, 0);
    const uint64_t table_mask = table.size() - 1;
    auto slot = [&](uint64_t u) { return (u * 0x9E3779B97F4A7C15ull) >> (64 - table_bits); };
    for (uint64_t u : wanted_u) {
      uint64_t s = slot(u);
      while (table[s]) s = (s + 1) & table_mask;
      table[s] = u + 1;
    }
    struct Hit { uint64_t u, v, edge; };
    std::vector<std::vector<Hit>> hits(options_.threads);
    std::atomic<bool> stopped{false};
    const uint64_t mask = edge_mask_for(geo_.n);
    run_parallel([&](unsigned t) {
      const uint64_t edges = uint64_t{1} << geo_.n;
      const uint64_t e0 = edges * t / options_.threads, e1 = edges * (t + 1) / options_.threads;
      uint64_t us[kBatch];
      for (uint64_t e = e0; e < e1; e += kBatch) {
        if (((e - e0) & 0xfffff) == 0 && cancel && cancel->load(std::memory_order_relaxed)) {
          stopped = true;
          return;
        }
        const size_t n = static_cast<size_t>(std::min<uint64_t>(kBatch, e1 - e));
        sipnodes_range(keys, e, n, 0, mask, us);
        for (size_t i = 0; i < n; ++i) {
          for (uint64_t s = slot(us[i]); table[s]; s = (s + 1) & table_mask) {
            if (table[s] == us[i] + 1) {
              hits[t].push_back({us[i], sipnode(keys, e + i, 1, mask), e + i});
              break;
            }
          }
        }
      }
    });
    if (stopped) return false;
    std::map<std::pair<uint64_t, uint64_t>, std::vector<uint64_t>> by_pair;
    for (const auto& hs : hits)
      for (const Hit& h : hs) by_pair[{h.u, h.v}].push_back(h.edge);
    for (const Proof& c : cycles) {
      // Each position maps to the edges with its node pair; duplicates give several proofs.
      std::vector<Proof> partial(1);
      for (unsigned k = 0; k < kProofSize; ++k) {
        auto it = by_pair.find({positions[c[k]].u, positions[c[k]].v});
        if (it == by_pair.end()) { partial.clear(); break; }
        std::vector<Proof> grown;
        for (const Proof& p : partial)
          for (uint64_t e : it->second) {
            Proof q = p;
            q[k] = e;
            grown.push_back(q);
          }
        partial.swap(grown);
      }
      for (Proof& p : partial) {
        std::sort(p.begin(), p.end());
        if (verify(keys, p, geo_.n) == VerifyCode::kOk) proofs->push_back(p);
      }
    }
    std::sort(proofs->begin(), proofs->end());
    proofs->erase(std::unique(proofs->begin(), proofs->end()), proofs->end());
    return true;
  }

  SolverOptions options_;
  MeanGeometry geo_;
  PoolMemory pool_;
  std::vector<uint32_t> fill_;
  std::unique_ptr<uint64_t[]> bitmaps_;
  std::vector<std::vector<uint32_t>> lists_[2];  // [generation][bucket * threads + writer]
  unsigned cur_ = 0;
  std::vector<uint32_t> free_;
  uint64_t high_water_ = 0;  // highest chunk index used + 1, over the solver's life
  std::mutex pool_mutex_;
  std::atomic<uint64_t> next_bucket_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace

uint64_t mean_memory_estimate(const SolverOptions& options) {
  const MeanGeometry g(options);
  return g.pool_chunks * g.chunk_bytes + g.pool_chunks * sizeof(uint32_t) * 2 +
         g.bitmap_buffer_words() * sizeof(uint64_t) * options.threads;
}

std::unique_ptr<Solver> make_mean_solver(const SolverOptions& options) {
  return std::make_unique<MeanSolver>(options);
}

}  // namespace bciin::cuckoo::detail
