// bench/chain: the chain engine's figures (docs/performance.md, "Chain").
//
//   chain_bench [--smoke] [--txs N] [--accounts N] [--threads N] [--rounds N]
//
// 1. Spend import: blocks of spends produced by one node are imported (decode, format and
//    signature checks, execution, state commit, one kv write per block) by a second node with
//    the same genesis; printed as transactions per second beside the raw libsodium Ed25519
//    verify rate measured in the same run on the same number of threads, and their ratio.
//    Block by block, the import (into a fresh node each round) alternates with the raw
//    verification of the same block's signatures, so that both see the same load on a shared
//    machine; the sums over all rounds are compared.
// 2. State tree: the state root update rate with N accounts in the tree (batches of random
//    account changes, one root per batch, as per block), and the size of a proof.
// --smoke runs small sizes in a few seconds, for CI.
#include "chain/testnet.h"

#include <bciin/chain/hash.h>

#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <random>
#include <thread>

namespace {

using namespace bciin;
using namespace bciin::chain;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds used by the whole process (all threads) so far. On a shared, loaded machine wall
// time says little; CPU time per item does not depend on what else runs.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Rate {
  double wall;  // items per wall second
  double cpu;   // items per CPU second
};

struct Args {
  bool smoke = false;
  size_t txs = 40000;
  size_t accounts = 1'000'000;
  unsigned threads = 2;
  int rounds = 3;
};

// Wall and CPU seconds spent on something, summed over pieces.
struct Timing {
  double wall = 0, cpu = 0;
  Rate RateOf(size_t items) const { return {static_cast<double>(items) / wall, static_cast<double>(items) / cpu}; }
};

template <class Fn>
void Measure(Timing* t, Fn&& fn) {
  auto start = Clock::now();
  const double cpu0 = CpuSeconds();
  fn();
  t->wall += Seconds(start);
  t->cpu += CpuSeconds() - cpu0;
}

// Raw Ed25519 verification of signatures [begin, end) over their messages on `threads` threads.
void RawVerify(const std::vector<SignedTx>& txs, const std::vector<Bytes>& msgs, size_t begin, size_t end,
               unsigned threads) {
  std::atomic<size_t> bad{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = begin + t; i < end; i += threads)
        if (crypto_sign_verify_detached(txs[i].signature.data(), msgs[i].data(), msgs[i].size(),
                                        txs[i].tx.sender.data()) != 0)
          ++bad;
    });
  for (auto& th : pool) th.join();
  if (bad) throw std::runtime_error(std::to_string(bad.load()) + " signatures did not verify");
}

void SpendImport(const Args& args) {
  const size_t senders = std::min<size_t>(2000, args.txs);
  const size_t per_block = args.smoke ? 500 : 2000;
  TestNetOptions o;
  o.users = senders;
  o.verify_threads = args.threads;
  TestNet producer(o);
  const std::string network = producer.genesis().params.network_id;

  // Produce the blocks (not timed).
  std::mt19937_64 rng(7);
  std::vector<uint64_t> nonce(senders, 0);
  std::vector<Bytes> blocks;
  std::vector<SignedTx> all;
  size_t made = 0;
  while (made < args.txs) {
    std::vector<SignedTx> txs;
    for (size_t i = 0; i < per_block && made < args.txs; ++i, ++made) {
      size_t from = made % senders;
      PublicKey to = producer.user(rng() % senders).public_key();
      txs.push_back(producer.Spend(from, to, Amount(1 + rng() % 100), ++nonce[from]));
    }
    all.insert(all.end(), txs.begin(), txs.end());
    producer.clock() += 1000;
    Block b;
    Status s = producer.chain().BuildBlockFrom(producer.authority().public_key(), producer.clock(), txs, &b);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    producer.Seal(&b);
    s = producer.chain().ImportBlock(b, nullptr);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    blocks.push_back(Encode(b));
  }

  // Rounds of importing them into a fresh node, timed block by block beside the raw verify.
  if (std::getenv("BCIIN_BENCH_PAUSE")) {  // for attaching a profiler to the import alone
    fmt::print(stderr, "importing in 3 s (pid {})\n", getpid());
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  fmt::print("spend import: {} txs in {} blocks of {}, {} verify threads, {} rounds\n", args.txs, blocks.size(),
             per_block, args.threads, args.rounds);
  fmt::print("  round   import tx/s (wall, CPU)   verify x1 sig/s (wall, CPU)   verify x{} sig/s (wall, CPU)   "
             "ratio (wall, CPU)\n", args.threads);
  Timing total_import, total_1, total_n;  // all rounds
  auto add = [](Timing& sum, const Timing& t) {
    sum.wall += t.wall;
    sum.cpu += t.cpu;
  };
  std::vector<Bytes> msgs;
  msgs.reserve(all.size());
  for (const SignedTx& stx : all) msgs.push_back(SigningMessage(network, stx.tx));
  for (int round = 0; round < args.rounds; ++round) {
    // Block by block: the import, then the raw verification of the same block's signatures on
    // one and on N threads, so that all three see the same load of a shared machine.
    TestNet importer(o);
    importer.clock() = producer.clock();
    Timing import_t, verify_1t, verify_nt;
    size_t first = 0;
    for (const Bytes& b : blocks) {
      const size_t count = std::min(per_block, all.size() - first);
      Measure(&import_t, [&] {
        Status s = importer.chain().ImportBlock(b, nullptr);
        if (!s.ok()) throw std::runtime_error("import: " + s.ToString());
      });
      Measure(&verify_1t, [&] { RawVerify(all, msgs, first, first + count, 1); });
      Measure(&verify_nt, [&] { RawVerify(all, msgs, first, first + count, args.threads); });
      first += count;
    }
    if (importer.chain().head().state_root != producer.chain().head().state_root)
      throw std::runtime_error("the importer's state root differs from the producer's");
    const Rate import = import_t.RateOf(args.txs);
    const Rate verify_1 = verify_1t.RateOf(args.txs);
    const Rate verify_n = verify_nt.RateOf(args.txs);
    fmt::print("  {:>5}   {:>8.0f} {:>8.0f}         {:>8.0f} {:>8.0f}             {:>8.0f} {:>8.0f}             "
               "{:>3.0f}% {:>3.0f}%\n",
               round + 1, import.wall, import.cpu, verify_1.wall, verify_1.cpu, verify_n.wall, verify_n.cpu,
               100.0 * import.wall / verify_n.wall, 100.0 * import.cpu / verify_n.cpu);
    add(total_import, import_t);
    add(total_1, verify_1t);
    add(total_n, verify_nt);
  }
  const size_t n = args.txs * static_cast<size_t>(args.rounds);
  const Rate all_import = total_import.RateOf(n), all_1 = total_1.RateOf(n), all_n = total_n.RateOf(n);
  fmt::print("  all rounds              per wall second   per CPU second\n");
  fmt::print("  import                {:>10.0f} tx/s   {:>10.0f} tx/s\n", all_import.wall, all_import.cpu);
  fmt::print("  raw Ed25519 verify x1 {:>10.0f} sig/s  {:>10.0f} sig/s\n", all_1.wall, all_1.cpu);
  fmt::print("  raw Ed25519 verify x{} {:>10.0f} sig/s  {:>10.0f} sig/s\n", args.threads, all_n.wall, all_n.cpu);
  fmt::print("  ratio import / verify x{} (wall): {:.0f}%  (goal >= 80%)\n", args.threads,
             100.0 * all_import.wall / all_n.wall);
  fmt::print("  ratio import / verify (CPU cost, what {} free cores would give): {:.0f}%\n", args.threads,
             100.0 * all_import.cpu / all_n.cpu);
  fmt::print("  CPU per spend beyond its signature check: {:.1f} us\n",
             1e6 / all_import.cpu - 1e6 / all_1.cpu);
}

void StateTree(const Args& args) {
  const size_t n = args.smoke ? 20000 : args.accounts;
  const size_t batch = 1000;  // account changes per root (about a block of spends)
  MemoryNodeStore store;
  std::mt19937_64 rng(11);
  auto key_of = [](uint64_t i) {
    Bytes k(32);
    Hash h = Blake2b256(Bytes{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8),
                              static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 24)});
    std::memcpy(k.data(), h.data(), 32);
    return k;
  };
  auto value_of = [](uint64_t i, uint64_t gen) { return Encode(Account{Amount(i * 7 + gen), gen, gen}); };
  Hash root = kZeroHash;
  auto start = Clock::now();
  double cpu0 = CpuSeconds();
  const size_t fill_batch = 100000;
  for (size_t i = 0; i < n; i += fill_batch) {
    std::vector<SmtUpdate> ups;
    for (size_t j = i; j < std::min(n, i + fill_batch); ++j) {
      Bytes k = key_of(j);
      ups.push_back({Blake2b256(k), k, value_of(j, 0)});
    }
    Status s = SparseMerkleTree::Update(store, root, std::move(ups), store.Writer(), &root);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  const double fill = Seconds(start);
  const double fill_cpu = CpuSeconds() - cpu0;
  // Updates: random existing accounts, one root per batch.
  const int rounds = args.smoke ? 5 : 20;
  start = Clock::now();
  cpu0 = CpuSeconds();
  for (int r = 0; r < rounds; ++r) {
    std::vector<SmtUpdate> ups;
    for (size_t j = 0; j < batch; ++j) {
      uint64_t i = rng() % n;
      Bytes k = key_of(i);
      ups.push_back({Blake2b256(k), k, value_of(i, static_cast<uint64_t>(r) + 1)});
    }
    Status s = SparseMerkleTree::Update(store, root, std::move(ups), store.Writer(), &root);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  const double upd = Seconds(start);
  const double upd_cpu = CpuSeconds() - cpu0;
  // Proofs.
  size_t proof_bytes = 0, depth = 0, absent_bytes = 0;
  const int proofs = 1000;
  start = Clock::now();
  for (int p = 0; p < proofs; ++p) {
    Bytes k = key_of(rng() % n);
    SmtProof proof;
    Status s = SparseMerkleTree::Prove(store, root, Blake2b256(k), &proof);
    if (!s.ok()) throw std::runtime_error(s.ToString());
    proof_bytes += Encode(proof).size();
    depth += proof.siblings.size();
    SmtProof absent;
    Bytes missing = key_of(n + 1 + static_cast<uint64_t>(p));
    (void)SparseMerkleTree::Prove(store, root, Blake2b256(missing), &absent);
    absent_bytes += Encode(absent).size();
  }
  const double prove = Seconds(start);
  fmt::print("state tree: {} accounts ({} nodes in memory)\n", n, store.size());
  fmt::print("  fill                  {:>10.0f} inserts/s wall, {:.0f} per CPU second ({:.1f} s)\n", n / fill,
             n / fill_cpu, fill);
  fmt::print("  root update           {:>10.0f} account changes/s wall, {:.0f} per CPU second;\n"
             "                        {:.1f} ms wall, {:.1f} ms CPU per root of {} changes\n",
             rounds * batch / upd, rounds * batch / upd_cpu, 1000.0 * upd / rounds, 1000.0 * upd_cpu / rounds, batch);
  fmt::print("  proof (present)       {:>10.0f} bytes average, {:.1f} siblings\n",
             static_cast<double>(proof_bytes) / proofs, static_cast<double>(depth) / proofs);
  fmt::print("  proof (absent)        {:>10.0f} bytes average\n", static_cast<double>(absent_bytes) / proofs);
  fmt::print("  prove                 {:>10.0f} proofs/s (two per round)\n", 2 * proofs / prove);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> size_t { return i + 1 < argc ? std::stoull(argv[++i]) : 0; };
    if (a == "--smoke") {
      args.smoke = true;
      args.txs = 2000;
      args.rounds = 1;
    } else if (a == "--txs") {
      args.txs = value();
    } else if (a == "--accounts") {
      args.accounts = value();
    } else if (a == "--rounds") {
      args.rounds = std::max(1, static_cast<int>(value()));
    } else if (a == "--threads") {
      args.threads = static_cast<unsigned>(value());
    } else {
      fmt::print(stderr, "usage: chain_bench [--smoke] [--txs N] [--accounts N] [--threads N] [--rounds N]\n");
      return 2;
    }
  }
  try {
    InitCrypto();
    fmt::print("hardware threads: {}\n", std::thread::hardware_concurrency());
    SpendImport(args);
    StateTree(args);
  } catch (const std::exception& e) {
    fmt::print(stderr, "chain_bench: {}\n", e.what());
    return 1;
  }
  return 0;
}
