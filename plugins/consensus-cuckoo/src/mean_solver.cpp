// Mean solver: bucketed edge trimming with sequential memory traffic.
//
// Every alive edge is one u64 entry in a bucket chosen by the high X bits of its endpoint on the side
// being trimmed next: bits [n, 2n - X) hold that endpoint's low n - X bits, bits [0, n) hold the other
// endpoint in full. A round takes one bucket at a time (threads take different buckets), counts the low
// bits in a bitmap of 2^(n-X) bits that stays in cache, and writes each survivor, re-keyed by its other
// endpoint, into the buckets of the next round. Buckets are lists of fixed-size chunks drawn from one
// pool; a bucket's chunks return to the pool once it is processed, so the whole solve fits in about
// 8 bytes per edge plus a few chunks per bucket and thread.
// Edge indices are not stored: once a cycle is found among the survivors, all N edges are regenerated
// to recover the indices of its node pairs ("solution recovery").
#include "mean_solver.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "bciin/cuckoo/verify.h"
#include "cycle_finder.h"
#include "siphash_batch.h"
#include "trim_policy.h"

namespace bciin::cuckoo::detail {
namespace {

constexpr size_t kBatch = 256;

struct Geometry {
  unsigned n;            // edge bits
  unsigned xbits;        // bucket bits
  unsigned low_bits;     // n - xbits
  uint64_t buckets;      // 2^xbits
  uint64_t chunk;        // entries per chunk
  uint64_t pool_chunks;  // chunks in the pool

  explicit Geometry(const SolverOptions& o) : n(o.edge_bits) {
    // Bitmap of 2^(n-X) bits per thread: at most 2^21 bits (256 KiB, L2-resident); at least 16 buckets
    // so that threads share the work of small graphs.
    xbits = std::max<int>(static_cast<int>(n) - 21, std::min<int>(4, static_cast<int>(n) - 8));
    low_bits = n - xbits;
    buckets = uint64_t{1} << xbits;
    const uint64_t edges = uint64_t{1} << n;
    chunk = std::clamp<uint64_t>(edges / buckets / o.threads / 8, 256, 16384);
    const uint64_t per_bucket = (edges / buckets + chunk - 1) / chunk;
    pool_chunks = (edges + chunk - 1) / chunk + 3 * buckets * o.threads + o.threads * (2 * per_bucket + 2) + 16;
  }
  uint64_t bitmap_words() const { return (uint64_t{1} << low_bits) / 64; }
};

class MeanSolver final : public Solver {
 public:
  explicit MeanSolver(const SolverOptions& options)
      : options_(options),
        geo_(options),
        pool_(new uint64_t[geo_.pool_chunks * geo_.chunk]),
        fill_(geo_.pool_chunks),
        bitmaps_(new uint64_t[geo_.bitmap_words() * options.threads]) {
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
    run_parallel([&](unsigned t) { generate(keys, t); });
    cur_ ^= 1;  // the generated buckets (keyed by U) are what round 1 reads
    uint64_t alive = uint64_t{1} << geo_.n;
    unsigned rounds = 0;
    for (;;) {
      if (cancelled()) return Status::Cancelled("cancelled");
      std::vector<uint64_t> survivors(options_.threads, 0);
      next_bucket_ = 0;
      run_parallel([&](unsigned t) { survivors[t] = trim_round(t); });
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
    const uint64_t mask = edge_mask_for(geo_.n), low_mask = edge_mask_for(geo_.low_bits);
    for (uint64_t b = 0; b < geo_.buckets; ++b) {
      for (unsigned t = 0; t < options_.threads; ++t) {
        for (uint32_t c : lists_[cur_][b * options_.threads + t]) {
          const uint64_t* entries = chunk_data(c);
          for (uint32_t i = 0; i < fill_[c]; ++i) {
            const uint64_t keyed = (b << geo_.low_bits) | ((entries[i] >> geo_.n) & low_mask);
            const uint64_t other = entries[i] & mask;
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
    st.peak_bytes = memory_bytes() + search_bytes;
    st.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    return Status();
  }

 private:
  template <typename Fn>
  void run_parallel(Fn&& fn) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < options_.threads; ++t) pool.emplace_back(fn, t);
    fn(0u);
    for (auto& th : pool) th.join();
  }

  uint64_t* chunk_data(uint32_t c) { return pool_.get() + uint64_t{c} * geo_.chunk; }

  void reset_pool() {
    free_.clear();
    for (uint64_t c = geo_.pool_chunks; c-- > 0;) free_.push_back(static_cast<uint32_t>(c));
    for (auto& gen : lists_)
      for (auto& l : gen) l.clear();
  }

  // A writer's open chunk for one destination bucket: entries go straight to `ptr` until `left` is 0.
  struct Open {
    uint64_t* ptr = nullptr;
    uint32_t left = 0;
    uint32_t chunk = 0;
  };

  // Takes a fresh chunk for (bucket, thread) in the generation being written; false if the pool is dry
  // (cannot happen with the pool size of Geometry; counted in dropped_edges, never silent).
  bool open_chunk(unsigned t, uint64_t bucket, Open& open) {
    uint32_t c;
    {
      std::lock_guard lock(pool_mutex_);
      if (free_.empty()) return false;
      c = free_.back();
      free_.pop_back();
    }
    fill_[c] = static_cast<uint32_t>(geo_.chunk);  // full unless close_chunks() says otherwise
    lists_[cur_ ^ 1][bucket * options_.threads + t].push_back(c);
    open = {chunk_data(c), static_cast<uint32_t>(geo_.chunk), c};
    return true;
  }

  inline void append(unsigned t, std::vector<Open>& opens, uint64_t bucket, uint64_t entry) {
    Open& o = opens[bucket];
    if (o.left == 0 && !open_chunk(t, bucket, o)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    *o.ptr++ = entry;
    --o.left;
  }

  // Records how full each partly written chunk is.
  void close_chunks(std::vector<Open>& opens) {
    for (Open& o : opens)
      if (o.ptr) fill_[o.chunk] = static_cast<uint32_t>(geo_.chunk - o.left);
    opens.assign(opens.size(), Open{});
  }

  // Generation: thread t hashes its share of all edges and files them by the high bits of u.
  void generate(const SipKeys& keys, unsigned t) {
    const uint64_t edges = uint64_t{1} << geo_.n;
    const uint64_t e0 = edges * t / options_.threads, e1 = edges * (t + 1) / options_.threads;
    const uint64_t mask = edge_mask_for(geo_.n), low_mask = edge_mask_for(geo_.low_bits);
    uint64_t us[kBatch], vs[kBatch];
    std::vector<Open> opens(geo_.buckets);
    for (uint64_t e = e0; e < e1; e += kBatch) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kBatch, e1 - e));
      sipnodes_range(keys, e, n, 0, mask, us);
      sipnodes_range(keys, e, n, 1, mask, vs);
      for (size_t i = 0; i < n; ++i) append(t, opens, us[i] >> geo_.low_bits, ((us[i] & low_mask) << geo_.n) | vs[i]);
    }
    close_chunks(opens);
  }

  // One trimming round; buckets are taken from a shared counter. Returns survivors written by thread t.
  uint64_t trim_round(unsigned t) {
    uint64_t* bits = bitmaps_.get() + geo_.bitmap_words() * t;
    const uint64_t words = geo_.bitmap_words();
    std::memset(bits, 0, words * sizeof(uint64_t));
    const uint64_t mask = edge_mask_for(geo_.n), low_mask = edge_mask_for(geo_.low_bits);
    const unsigned threads = options_.threads;
    uint64_t survivors = 0;
    std::vector<Open> opens(geo_.buckets);
    for (;;) {
      const uint64_t b = next_bucket_.fetch_add(1, std::memory_order_relaxed);
      if (b >= geo_.buckets) break;
      uint64_t count = 0;
      for (unsigned w = 0; w < threads; ++w) {
        for (uint32_t c : lists_[cur_][b * threads + w]) {
          const uint64_t* entries = chunk_data(c);
          const uint32_t n = fill_[c];
          count += n;
          for (uint32_t i = 0; i < n; ++i) {
            const uint64_t low = (entries[i] >> geo_.n) & low_mask;
            bits[low >> 6] |= uint64_t{1} << (low & 63);
          }
        }
      }
      for (unsigned w = 0; w < threads; ++w) {
        std::vector<uint32_t>& list = lists_[cur_][b * threads + w];
        for (uint32_t c : list) {
          const uint64_t* entries = chunk_data(c);
          const uint32_t n = fill_[c];
          for (uint32_t i = 0; i < n; ++i) {
            const uint64_t low = (entries[i] >> geo_.n) & low_mask;
            const uint64_t partner = low ^ 1;
            if (!((bits[partner >> 6] >> (partner & 63)) & 1)) continue;
            const uint64_t other = entries[i] & mask;
            const uint64_t keyed = (b << geo_.low_bits) | low;
            append(t, opens, other >> geo_.low_bits, ((other & low_mask) << geo_.n) | keyed);
            ++survivors;
          }
        }
      }
      // Clear what this bucket set: per entry when sparse, whole bitmap when dense.
      if (count < words / 2) {
        for (unsigned w = 0; w < threads; ++w)
          for (uint32_t c : lists_[cur_][b * threads + w]) {
            const uint64_t* entries = chunk_data(c);
            for (uint32_t i = 0; i < fill_[c]; ++i) bits[((entries[i] >> geo_.n) & low_mask) >> 6] = 0;
          }
      } else {
        std::memset(bits, 0, words * sizeof(uint64_t));
      }
      std::lock_guard lock(pool_mutex_);
      for (unsigned w = 0; w < threads; ++w) {
        std::vector<uint32_t>& list = lists_[cur_][b * threads + w];
        free_.insert(free_.end(), list.begin(), list.end());
        list.clear();
      }
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
  Geometry geo_;
  std::unique_ptr<uint64_t[]> pool_;
  std::vector<uint32_t> fill_;
  std::unique_ptr<uint64_t[]> bitmaps_;
  std::vector<std::vector<uint32_t>> lists_[2];  // [generation][bucket * threads + writer]
  unsigned cur_ = 0;
  std::vector<uint32_t> free_;
  std::mutex pool_mutex_;
  std::atomic<uint64_t> next_bucket_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace

uint64_t mean_memory_estimate(const SolverOptions& options) {
  const Geometry g(options);
  return g.pool_chunks * g.chunk * sizeof(uint64_t) + g.pool_chunks * sizeof(uint32_t) * 2 +
         g.bitmap_words() * sizeof(uint64_t) * options.threads;
}

std::unique_ptr<Solver> make_mean_solver(const SolverOptions& options) {
  return std::make_unique<MeanSolver>(options);
}

}  // namespace bciin::cuckoo::detail
