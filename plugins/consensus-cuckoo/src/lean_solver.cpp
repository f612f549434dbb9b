// Lean solver: an alive-edge bitmap and a node bitmap (N bits each). A round on side s clears the node
// bitmap, sets the bit of every alive edge's endpoint on side s, then kills every alive edge whose
// endpoint's partner (node ^ 1) has no bit: a node-pair cycle leaves a pair through the other member.
// Threads own contiguous slices of the alive bitmap. With 2 to 4 threads each thread marks its own node
// bitmap, and a partner counts as marked if any bitmap has it: no locked instruction, at N/8 bytes per
// extra thread. With more threads, or when the memory cap leaves no room, the threads share one node
// bitmap and set its bits with atomic or (a locked instruction per newly set bit, which costs more than
// a second thread gains at large edge bits).
// Both bitmaps sit on transparent huge pages where the kernel offers them: every node access is random,
// and with 4 KiB pages most of them would also miss the TLB.
#include "lean_solver.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "bciin/cuckoo/verify.h"
#include "cycle_finder.h"
#include "pool_memory.h"
#include "siphash_batch.h"
#include "trim_policy.h"

namespace bciin::cuckoo::detail {
namespace {

constexpr size_t kBatch = 256;
// Rounds after at most max(N / kTailFraction, kTailEdges) edges are alive use one thread: their hashing is
// then small next to the barriers, while each round still clears and scans N-bit bitmaps.
constexpr uint64_t kTailFraction = 1024;
constexpr uint64_t kTailEdges = uint64_t{1} << 16;
constexpr unsigned kMaxPrivateBitmaps = 4;
// Private node bitmaps are merged before kill while more than N / kMergeFraction edges are alive.
constexpr uint64_t kMergeFraction = 256;
// Once at most max(N / kSparseFraction, 4 x the handover) edges are alive, trimming goes on over a list
// of the survivors with their endpoints (24 bytes each, N/43 bytes at most): a bitmap round scans the
// whole alive bitmap and clears the node bitmap whatever is left, a list round touches the survivors only.
constexpr uint64_t kSparseFraction = 1024;

// Node bitmaps the solver allocates: one per thread where that pays and the memory cap allows, else one.
unsigned node_bitmaps(const SolverOptions& o) {
  const uint64_t bitmap_bytes = (uint64_t{1} << o.edge_bits) / 8;
  if (o.threads < 2 || o.threads > kMaxPrivateBitmaps) return 1;
  if (o.memory_cap_bytes && (1 + o.threads) * bitmap_bytes > o.memory_cap_bytes) return 1;
  return o.threads;
}

class LeanSolver final : public Solver {
 public:
  explicit LeanSolver(const SolverOptions& options)
      : options_(options),
        edges_(uint64_t{1} << options.edge_bits),
        words_(edges_ / 64),
        bitmaps_(node_bitmaps(options)),
        alive_memory_(words_ * sizeof(uint64_t)),
        nodes_memory_(bitmaps_ * words_ * sizeof(uint64_t)),
        alive_(reinterpret_cast<uint64_t*>(alive_memory_.get())),
        nodes_(reinterpret_cast<uint64_t*>(nodes_memory_.get())) {}

  uint64_t memory_bytes() const override { return (1 + bitmaps_) * words_ * sizeof(uint64_t); }
  const SolverOptions& options() const override { return options_; }

  Status solve(const SipKeys& keys, const std::atomic<bool>* cancel, std::vector<Proof>* proofs,
               SolveStats* stats) override {
    proofs->clear();
    SolveStats local;
    SolveStats& st = stats ? *stats : local;
    st = SolveStats{};
    const auto t0 = std::chrono::steady_clock::now();

    const unsigned threads = options_.threads;
    std::vector<uint64_t> alive_counts(threads), killed_counts(threads);
    bool cancelled = false, finished = false;
    // Atomic: once thread 0 goes on alone (solo_rounds), it updates them while the others still read them.
    std::atomic<bool> stop{false}, solo{threads == 1};
    unsigned rounds = 0;
    uint64_t alive_total = edges_;
    auto on_round_end = [&]() noexcept {
      uint64_t alive = 0, killed = 0;
      for (unsigned t = 0; t < threads; ++t) alive += alive_counts[t], killed += killed_counts[t];
      ++rounds;
      alive_total = alive;
      report_progress(rounds, alive);
      cancelled = cancel && cancel->load(std::memory_order_relaxed);
      finished = stop_trimming(options_, rounds, alive, killed);
      stop = cancelled || finished || alive <= std::max(edges_ / kSparseFraction, 4 * handover_edges(options_));
      if (alive <= std::max(edges_ / kTailFraction, kTailEdges)) solo = true;
    };
    std::barrier sync(static_cast<std::ptrdiff_t>(threads));
    std::barrier round_end(static_cast<std::ptrdiff_t>(threads), on_round_end);

    auto solo_rounds = [&](unsigned round) {
      std::fill(alive_counts.begin(), alive_counts.end(), 0);
      std::fill(killed_counts.begin(), killed_counts.end(), 0);
      for (;; ++round) {
        const unsigned side = round & 1;
        std::fill(nodes_, nodes_ + words_, 0);
        mark(keys, side, 0, words_, nodes_, false);
        kill(keys, side, 0, words_, 1, &alive_counts[0], &killed_counts[0]);
        on_round_end();
        if (stop) break;
      }
    };
    auto work = [&](unsigned id) {
      const uint64_t w0 = words_ * id / threads, w1 = words_ * (id + 1) / threads;
      std::fill(alive_ + w0, alive_ + w1, ~uint64_t{0});
      for (unsigned round = 0;; ++round) {
        const unsigned side = round & 1;
        for (unsigned b = 0; b < bitmaps_; ++b) std::fill(bitmap(b) + w0, bitmap(b) + w1, 0);
        sync.arrive_and_wait();
        mark(keys, side, w0, w1, bitmap(bitmaps_ > 1 ? id : 0), bitmaps_ == 1 && threads > 1);
        sync.arrive_and_wait();
        unsigned used = bitmaps_;
        if (used > 1 && alive_total > edges_ / kMergeFraction) {
          // OR the private bitmaps into the first, slice by slice: a sequential pass instead of a
          // random load per bitmap and alive edge in kill.
          uint64_t* first = bitmap(0);
          for (unsigned b = 1; b < used; ++b)
            for (uint64_t w = w0; w < w1; ++w) first[w] |= bitmap(b)[w];
          used = 1;
          sync.arrive_and_wait();
        }
        kill(keys, side, w0, w1, used, &alive_counts[id], &killed_counts[id]);
        round_end.arrive_and_wait();
        if (stop) break;
        if (solo && threads > 1) {
          // The long tail of small rounds: thread 0 goes on alone over all words, without barriers,
          // which on a loaded machine cost more than these rounds' work.
          if (id == 0) solo_rounds(round + 1);
          break;
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    if (cancelled) return Status::Cancelled("cancelled");

    // Hand the survivors, with both endpoints, to the exact finish.
    std::vector<SurvivorEdge> survivors;
    survivors.reserve(alive_total);
    const uint64_t mask = edge_mask_for(options_.edge_bits);
    uint64_t batch[kBatch], us[kBatch], vs[kBatch];
    size_t n = 0;
    auto flush = [&] {
      sipnodes(keys, batch, n, 0, mask, us);
      sipnodes(keys, batch, n, 1, mask, vs);
      for (size_t i = 0; i < n; ++i) survivors.push_back({us[i], vs[i], batch[i]});
      n = 0;
    };
    for (uint64_t w = 0; w < words_; ++w) {
      for (uint64_t bits = alive_[w]; bits; bits &= bits - 1) {
        batch[n++] = 64 * w + static_cast<unsigned>(__builtin_ctzll(bits));
        if (n == kBatch) flush();
      }
    }
    flush();
    if (!finished && !trim_list(&survivors, &rounds, cancel)) return Status::Cancelled("cancelled");
    st.rounds = rounds;
    const auto t1 = std::chrono::steady_clock::now();
    st.trim_seconds = std::chrono::duration<double>(t1 - t0).count();
    uint64_t search_bytes = survivors.capacity() * sizeof(SurvivorEdge);
    std::vector<Proof> cycles;
    if (!find_cycles(survivors, &cycles, &st, cancel, &search_bytes)) return Status::Cancelled("cancelled");
    for (const Proof& p : cycles)
      if (verify(keys, p, options_.edge_bits) == VerifyCode::kOk) proofs->push_back(p);
    st.peak_bytes = memory_bytes() + search_bytes;
    st.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    if (proofs->size() != cycles.size()) return Status::Internal("cycle search produced a proof that does not verify");
    return Status();
  }

 private:
  // Collects alive edges of words [w0, w1) in batches and calls fn(edges, nodes, count).
  template <typename Fn>
  void for_alive_batches(const SipKeys& keys, unsigned side, uint64_t w0, uint64_t w1, Fn&& fn) {
    const uint64_t mask = edge_mask_for(options_.edge_bits);
    uint64_t batch[kBatch], nodes[kBatch];
    size_t n = 0;
    for (uint64_t w = w0; w < w1; ++w) {
      const uint64_t word = alive_[w];
      if (word == ~uint64_t{0} && n == 0) {  // a full word: hash the range directly
        sipnodes_range(keys, 64 * w, 64, side, mask, nodes);
        for (unsigned i = 0; i < 64; ++i) batch[i] = 64 * w + i;
        fn(batch, nodes, size_t{64});
        continue;
      }
      for (uint64_t bits = word; bits; bits &= bits - 1) {
        batch[n++] = 64 * w + static_cast<unsigned>(__builtin_ctzll(bits));
        if (n == kBatch) {
          sipnodes(keys, batch, n, side, mask, nodes);
          fn(batch, nodes, n);
          n = 0;
        }
      }
    }
    if (n) {
      sipnodes(keys, batch, n, side, mask, nodes);
      fn(batch, nodes, n);
    }
  }

  uint64_t* bitmap(unsigned b) const { return nodes_ + uint64_t{b} * words_; }

  // Trimming rounds over a list of edges, alternating sides from round *rounds on, until stop_trimming.
  // Uses node bitmap 0, cleared first and after each round through the nodes it set. Returns false if
  // cancelled.
  bool trim_list(std::vector<SurvivorEdge>* edges, unsigned* rounds, const std::atomic<bool>* cancel) {
    constexpr size_t kAhead = 16;
    uint64_t* bits = bitmap(0);
    std::fill(bits, bits + words_, 0);
    std::vector<SurvivorEdge>& list = *edges;
    std::vector<uint8_t> lives;
    for (;;) {
      const bool on_v = *rounds & 1;
      auto node = [on_v](const SurvivorEdge& e) { return on_v ? e.v : e.u; };
      const size_t n = list.size();
      for (size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) __builtin_prefetch(&bits[node(list[i + kAhead]) >> 6], 1);
        bits[node(list[i]) >> 6] |= uint64_t{1} << (node(list[i]) & 63);
      }
      lives.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const uint64_t partner = node(list[i]) ^ 1;
        lives[i] = (bits[partner >> 6] >> (partner & 63)) & 1;
      }
      size_t kept = 0;
      for (size_t i = 0; i < n; ++i) {  // every check is done: clear what this round set, and compact
        bits[node(list[i]) >> 6] = 0;
        list[kept] = list[i];
        kept += lives[i];
      }
      list.resize(kept);
      ++*rounds;
      report_progress(*rounds, kept);
      if (cancel && cancel->load(std::memory_order_relaxed)) return false;
      if (stop_trimming(options_, *rounds, kept, n - kept)) return true;
    }
  }

  void mark(const SipKeys& keys, unsigned side, uint64_t w0, uint64_t w1, uint64_t* bits, bool atomic) {
    for_alive_batches(keys, side, w0, w1, [&](const uint64_t*, const uint64_t* nodes, size_t n) {
      for (size_t i = 0; i < n; ++i) __builtin_prefetch(&bits[nodes[i] >> 6], 1);
      for (size_t i = 0; i < n; ++i) {
        uint64_t* word = &bits[nodes[i] >> 6];
        const uint64_t bit = uint64_t{1} << (nodes[i] & 63);
        if (!atomic) {
          *word |= bit;  // branch-free: whether the bit is set already is a coin flip
        } else if (!(*word & bit)) {  // already set: skip the locked instruction
          __atomic_fetch_or(word, bit, __ATOMIC_RELAXED);
        }
      }
    });
  }

  // Kills alive edges of words [w0, w1) whose partner is in none of the first `used` node bitmaps.
  void kill(const SipKeys& keys, unsigned side, uint64_t w0, uint64_t w1, unsigned used, uint64_t* alive_out,
            uint64_t* killed_out) {
    uint64_t killed = 0;
    for_alive_batches(keys, side, w0, w1, [&](const uint64_t* edges, const uint64_t* nodes, size_t n) {
      for (unsigned b = 0; b < used; ++b)
        for (size_t i = 0; i < n; ++i) __builtin_prefetch(&bitmap(b)[nodes[i] >> 6], 0);
      for (size_t i = 0; i < n; ++i) {
        // Branch-free (survival is a coin flip in the early rounds); the alive words are this
        // thread's own, visited in order.
        const uint64_t partner = nodes[i] ^ 1;
        uint64_t word = 0;
        for (unsigned b = 0; b < used; ++b) word |= bitmap(b)[partner >> 6];
        const uint64_t dead = ~(word >> (partner & 63)) & 1;
        alive_[edges[i] >> 6] &= ~(dead << (edges[i] & 63));
        killed += dead;
      }
    });
    uint64_t alive = 0;
    for (uint64_t w = w0; w < w1; ++w) alive += static_cast<uint64_t>(__builtin_popcountll(alive_[w]));
    *alive_out = alive;
    *killed_out = killed;
  }

  SolverOptions options_;
  uint64_t edges_;
  uint64_t words_;
  unsigned bitmaps_;  // node bitmaps: one per thread, or one shared
  PoolMemory alive_memory_, nodes_memory_;
  uint64_t* alive_;
  uint64_t* nodes_;
};

}  // namespace

uint64_t lean_memory_estimate(const SolverOptions& options) {
  return (1 + node_bitmaps(options)) * ((uint64_t{1} << options.edge_bits) / 8);
}

std::unique_ptr<Solver> make_lean_solver(const SolverOptions& options) {
  return std::make_unique<LeanSolver>(options);
}

}  // namespace bciin::cuckoo::detail
