// Lean solver: an alive-edge bitmap and one node bitmap (N bits each). A round on side s clears the node
// bitmap, sets the bit of every alive edge's endpoint on side s, then kills every alive edge whose
// endpoint's partner (node ^ 1) has no bit: a node-pair cycle leaves a pair through the other member.
// Threads own contiguous slices of the alive bitmap; node bits are set with atomic or when threads > 1.
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

class LeanSolver final : public Solver {
 public:
  explicit LeanSolver(const SolverOptions& options)
      : options_(options),
        edges_(uint64_t{1} << options.edge_bits),
        words_(edges_ / 64),
        alive_memory_(words_ * sizeof(uint64_t)),
        nodes_memory_(words_ * sizeof(uint64_t)),
        alive_(reinterpret_cast<uint64_t*>(alive_memory_.get())),
        nodes_(reinterpret_cast<uint64_t*>(nodes_memory_.get())) {}

  uint64_t memory_bytes() const override { return 2 * words_ * sizeof(uint64_t); }
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
    bool cancelled = false;
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
      stop = cancelled || stop_trimming(options_, rounds, alive, killed);
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
        mark(keys, side, 0, words_, false);
        kill(keys, side, 0, words_, &alive_counts[0], &killed_counts[0]);
        on_round_end();
        if (stop) break;
      }
    };
    auto work = [&](unsigned id) {
      const uint64_t w0 = words_ * id / threads, w1 = words_ * (id + 1) / threads;
      std::fill(alive_ + w0, alive_ + w1, ~uint64_t{0});
      for (unsigned round = 0;; ++round) {
        const unsigned side = round & 1;
        std::fill(nodes_ + w0, nodes_ + w1, 0);
        sync.arrive_and_wait();
        mark(keys, side, w0, w1, threads > 1);
        sync.arrive_and_wait();
        kill(keys, side, w0, w1, &alive_counts[id], &killed_counts[id]);
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
    st.rounds = rounds;
    const auto t1 = std::chrono::steady_clock::now();
    st.trim_seconds = std::chrono::duration<double>(t1 - t0).count();
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
    uint64_t search_bytes = 0;
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

  void mark(const SipKeys& keys, unsigned side, uint64_t w0, uint64_t w1, bool atomic) {
    uint64_t* bits = nodes_;
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

  void kill(const SipKeys& keys, unsigned side, uint64_t w0, uint64_t w1, uint64_t* alive_out, uint64_t* killed_out) {
    const uint64_t* bits = nodes_;
    uint64_t killed = 0;
    for_alive_batches(keys, side, w0, w1, [&](const uint64_t* edges, const uint64_t* nodes, size_t n) {
      for (size_t i = 0; i < n; ++i) __builtin_prefetch(&bits[nodes[i] >> 6], 0);
      for (size_t i = 0; i < n; ++i) {
        // Branch-free (survival is a coin flip in the early rounds); the alive words are this
        // thread's own, visited in order.
        const uint64_t partner = nodes[i] ^ 1;
        const uint64_t dead = ~(bits[partner >> 6] >> (partner & 63)) & 1;
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
  PoolMemory alive_memory_, nodes_memory_;
  uint64_t* alive_;
  uint64_t* nodes_;
};

}  // namespace

uint64_t lean_memory_estimate(const SolverOptions& options) {
  return 2 * ((uint64_t{1} << options.edge_bits) / 8);
}

std::unique_ptr<Solver> make_lean_solver(const SolverOptions& options) {
  return std::make_unique<LeanSolver>(options);
}

}  // namespace bciin::cuckoo::detail
