// bench/network: the network's figures (docs/performance.md, "Network").
//
//   bciin-bench-network [--smoke] [--txs N] [--post-txs N] [--seconds S] [--rounds N]
//
// 1. Sync from a loopback peer: a real bciin-node (storage-leveldb, consensus-dev) produces
//    blocks of spends submitted through its API, then serves them; the blocks are fetched over
//    p2p and imported locally by the same engine on the same storage in this process (the
//    reference), then a fresh bciin-node syncs them from the first over p2p; `--rounds` (3)
//    times each, alternating. Printed: blocks/s and tx/s of every round, and the best sync
//    speed / the best local import speed.
// 2. API load with wrk: GET /v1/status, and POST /v1/transactions of distinct pre-signed
//    valid spends (each sent once) to a node that does not produce (they all stay pending).
// --smoke runs small sizes (a CI test); without wrk the API part is skipped with a note.
#include "api_load.h"
#include "fake_peer.h"
#include "harness.h"
#include "local_import.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>
#include <sodium.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <unistd.h>
#include <thread>

namespace {

using namespace bciin;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::Node;
using testing::NodeOptions;

struct Config {
  bool smoke = false;
  size_t txs = 20000;        // spends in the synced blocks
  size_t spend_accounts = 64;
  size_t post_txs = 40960;   // spends POSTed under wrk
  size_t post_accounts = 1024;
  unsigned seconds = 5;      // GET duration under wrk
  uint64_t interval_ms = 50;
  unsigned rounds = 3;       // of local import and sync
};

// User + system CPU time of process `pid` so far (/proc/<pid>/stat), 0 when unreadable.
double CpuSecondsOf(pid_t pid) {
  std::string stat = testing::ReadFile(fmt::format("/proc/{}/stat", pid));
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {  // fields 14 and 15: utime, stime in ticks
    if (i == 14) utime = std::stoull(f);
    if (i == 15) stime = std::stoull(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

[[noreturn]] void Fail(const std::string& what) {
  fmt::print(stderr, "bciin-bench-network: {}\n", what);
  std::exit(1);
}

chain::PublicKey RandomKey() {
  chain::PublicKey k;
  randombytes_buf(k.data(), k.size());
  return k;
}

// Spends from `accounts` [first, first+count), nonce by nonce (every account's nonce 1, then
// every account's nonce 2, ...), to fresh addresses; `total` in all.
std::vector<chain::SignedTx> Spends(const testing::Devnet& net, size_t first, size_t count, size_t total) {
  std::vector<chain::SignedTx> out;
  out.reserve(total);
  for (uint64_t nonce = 1; out.size() < total; ++nonce)
    for (size_t a = first; a < first + count && out.size() < total; ++a)
      out.push_back(testing::MakeSpend(net.network_id, net.accounts[a], RandomKey(), 1000 + nonce, nonce));
  return out;
}

// Submits every spend through the API, waiting and retrying while the mempool holds too many
// of an account's transactions (the producer drains it).
void SubmitAll(const Node& node, const std::vector<chain::SignedTx>& txs) {
  for (const auto& stx : txs) {
    for (int attempt = 0;; ++attempt) {
      Status s = node.Submit(stx);
      if (s.ok()) break;
      if (attempt > 3000) Fail("submitting a spend: " + s.ToString());
      std::this_thread::sleep_for(5ms);
    }
  }
}

// Every main-chain block 1..height of `node`, fetched over p2p, as canonical encodings.
std::vector<chain::Bytes> FetchBlocks(const testing::Devnet& net, const Node& node, uint64_t height) {
  chain::Hash genesis{};
  if (!chain::DecodeId(chain::kBlockHashPrefix, node.MainHash(0), &genesis).ok()) Fail("no genesis hash");
  std::vector<chain::Block> blocks;
  std::string error;
  if (!testing::FetchChain(node.p2p_port(), net.network_id, genesis, height, &blocks, &error)) Fail(error);
  std::vector<chain::Bytes> out;
  for (const auto& b : blocks) out.push_back(chain::Encode(b));
  return out;
}

void PrintRate(const std::string& what, size_t blocks, size_t txs, double seconds, double cpu_seconds) {
  fmt::print("  {:<38} {:>5} blocks {:>7} txs in {:7.3f} s: {:7.1f} blocks/s {:6.0f} tx/s | {:6.3f} CPU s: {:6.0f} tx/CPU s\n",
             what, blocks, txs, seconds, blocks / seconds, txs / seconds, cpu_seconds, txs / cpu_seconds);
}

void SyncBench(const Config& c, const testing::Devnet& net, const fs::path& dir, Node& server) {
  fmt::print("sync from a loopback peer (storage-leveldb, consensus-dev, verify-threads 1):\n");
  std::vector<chain::SignedTx> spends = Spends(net, 0, c.spend_accounts, c.txs);
  auto t0 = std::chrono::steady_clock::now();
  SubmitAll(server, spends);
  if (!testing::WaitFor([&] { return server.Get("/v1/status").value("mempool_size", uint64_t{1}) == 0; }, 300s))
    Fail("the producer did not include every spend");
  fmt::print("  produced: {} spends submitted through the API and included in {:.1f} s\n", spends.size(), Seconds(t0));
  // The serving node stops producing, so that the chain is fixed while it is synced.
  if (int rc = server.Kill(SIGTERM); rc != 0) Fail(fmt::format("the serving node exited with {}:\n{}", rc, server.Output()));
  server.options().produce = false;
  std::string error;
  if (!server.Start(&error)) Fail(error);
  uint64_t height = server.Height();
  std::string head = server.MainHash(height);

  std::vector<chain::Bytes> blocks = FetchBlocks(net, server, height);
  // Rounds of local import then sync (each into a fresh store), the best of each compared: the
  // machine is shared, and the best round is the one least disturbed by others.
  double best_local = 0, best_sync = 0, best_local_cpu = 0, best_sync_cpu = 0;
  bench::ImportFigures local;
  for (unsigned round = 1; round <= c.rounds; ++round) {
    if (Status s = bench::ImportLocally(dir / fmt::format("local{}.ldb", round), net.genesis.string(),
                                        net.authority.public_key(), c.interval_ms, 1, blocks, &local);
        !s.ok())
      Fail(s.ToString());
    PrintRate(fmt::format("round {}: local import (in process)", round), local.blocks, local.txs, local.seconds,
              local.cpu_seconds);

    NodeOptions o;
    o.interval_ms = c.interval_ms;
    Node syncing(net, dir / fmt::format("syncing{}", round), o);
    if (!syncing.Start(&error)) Fail(error);
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = CpuSecondsOf(syncing.process().pid());
    if (Status s = syncing.AddPeer(server.P2pAddress()); !s.ok()) Fail("adding the peer: " + s.ToString());
    if (!syncing.process().WaitForOutput(fmt::format("imported block #{} ", height), 600s))
      Fail("the syncing node did not reach the head:\n" + syncing.Output());
    double sync_s = Seconds(start);
    double sync_cpu = CpuSecondsOf(syncing.process().pid()) - cpu_start;
    if (syncing.MainHash(height) != head) Fail("the synced head differs from the served one");
    PrintRate(fmt::format("round {}: p2p sync (node from node)", round), local.blocks, local.txs, sync_s, sync_cpu);
    best_local = round == 1 ? local.seconds : std::min(best_local, local.seconds);
    best_sync = round == 1 ? sync_s : std::min(best_sync, sync_s);
    best_local_cpu = round == 1 ? local.cpu_seconds : std::min(best_local_cpu, local.cpu_seconds);
    best_sync_cpu = round == 1 ? sync_cpu : std::min(best_sync_cpu, sync_cpu);
  }
  PrintRate("best local import", local.blocks, local.txs, best_local, best_local_cpu);
  PrintRate("best p2p sync", local.blocks, local.txs, best_sync, best_sync_cpu);
  fmt::print("  sync speed / local import speed (best of {}): {:.1f}% per wall second, {:.1f}% per CPU second\n",
             c.rounds, 100.0 * best_local / best_sync, 100.0 * best_local_cpu / best_sync_cpu);
}

void ApiBench(const Config& c, const testing::Devnet& net, const fs::path& dir, const Node& node) {
  fs::path wrk = bench::FindWrk();
  if (wrk.empty()) {
    fmt::print("API load: skipped, wrk is not installed (Debian package wrk)\n");
    return;
  }
  const unsigned threads = 2, connections = 16;
  fmt::print("API load with wrk ({} threads, {} connections, keep-alive):\n", threads, connections);
  bench::WrkFigures get = bench::WrkGet(wrk, node.Url(), "/v1/status", c.seconds, threads, connections);
  if (!get.ran) Fail("wrk GET failed:\n" + get.output);
  fmt::print("  GET /v1/status:         {:8.0f} requests/s ({} requests in {} s, {} not 2xx, mean latency {})\n",
             get.requests_per_s, get.requests, c.seconds, get.non_2xx, get.latency);

  std::vector<chain::SignedTx> spends = Spends(net, c.spend_accounts, c.post_accounts, c.post_txs);
  std::vector<std::string> bodies;
  for (const auto& stx : spends) bodies.push_back(fmt::format("{{\"tx\":\"{}\"}}", chain::ToHex(chain::Encode(stx))));
  uint64_t pool_before = node.Get("/v1/status").value("mempool_size", uint64_t{0});
  auto pool = [&] { return node.Get("/v1/status").value("mempool_size", uint64_t{0}); };
  bench::WrkFigures post = bench::WrkPostEach(wrk, dir, node.Url(), "/v1/transactions", node.token(), bodies, threads,
                                              connections, [&] { return pool() >= pool_before + bodies.size(); });
  if (!post.ran) Fail("wrk POST failed:\n" + post.output);
  uint64_t accepted = pool() - pool_before;
  fmt::print("  POST /v1/transactions:  {:8.0f} accepted/s ({} distinct signed spends, {} accepted into the mempool "
             "in {:.2f} s; wrk: {} requests, {} not 2xx (resent once its share was sent), mean latency {})\n",
             post.requests_per_s, spends.size(), accepted, spends.size() / post.requests_per_s, post.requests,
             post.non_2xx, post.latency);
  if (accepted < spends.size()) Fail("not every spend was accepted:\n" + post.output);
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) Fail(a + " needs a value");
      return std::strtoull(argv[++i], nullptr, 10);
    };
    if (a == "--smoke") {
      c.smoke = true;
      c.txs = 200;
      c.spend_accounts = 4;
      c.post_txs = 256;
      c.post_accounts = 32;
      c.seconds = 1;
      c.rounds = 1;
    } else if (a == "--txs") {
      c.txs = value();
    } else if (a == "--post-txs") {
      c.post_txs = value();
      c.post_accounts = std::max<size_t>(1, (c.post_txs + 39) / 40);
    } else if (a == "--rounds") {
      c.rounds = static_cast<unsigned>(std::max<unsigned long long>(1, value()));
    } else if (a == "--seconds") {
      c.seconds = static_cast<unsigned>(value());
    } else {
      Fail("unknown argument " + a + " (usage: bciin-bench-network [--smoke] [--txs N] [--post-txs N] [--seconds S] [--rounds N])");
    }
  }
  // Run by hand from the build tree: the programs are beside this one.
  if (!std::getenv("BCIIN_BUILD_DIR"))
    setenv("BCIIN_BUILD_DIR", fs::canonical("/proc/self/exe").parent_path().parent_path().c_str(), 1);
  if (sodium_init() < 0) Fail("libsodium init failed");

  testing::TempDir dir;
  testing::Devnet net;
  if (Status s = testing::Devnet::Create(dir / "net", c.spend_accounts + c.post_accounts, &net); !s.ok())
    Fail(s.ToString());
  NodeOptions o;
  o.produce = true;
  o.interval_ms = c.interval_ms;
  o.chain_extra = fmt::format("mempool-max-txs = {}", c.post_txs + c.txs + 1000);
  Node server(net, dir / "server", o);
  std::string error;
  if (!server.Start(&error)) Fail(error);

  SyncBench(c, net, dir.path(), server);
  ApiBench(c, net, dir.path(), server);
  return 0;
}
