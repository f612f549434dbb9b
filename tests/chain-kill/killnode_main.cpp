// chain-killnode: a producing node on leveldb that the kill test kills with SIGKILL.
//
//   chain-killnode <dir>
//
// Opens (or creates) the chain in <dir>/db with the test network's genesis, then forever:
// submits a few random spends, produces a block, and appends the committed height to
// <dir>/progress (after the block's atomic write returned, so every height listed there must
// survive the kill).
#include "chain/testnet.h"
#include "leveldb_kv.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

int main(int argc, char** argv) {
  using namespace bciin;
  using namespace bciin::chain;
  if (argc != 2) {
    std::fprintf(stderr, "usage: chain-killnode <dir>\n");
    return 2;
  }
  const std::string dir = argv[1];
  storage::LeveldbOptions lo;
  lo.path = dir + "/db";
  lo.cache_mb = 8;
  lo.write_buffer_mb = 1;  // flushes and compactions happen often, so kills land in them too
  std::unique_ptr<storage::LeveldbKv> kv;
  Status s = storage::LeveldbKv::Open(lo, &kv);
  if (!s.ok()) {
    std::fprintf(stderr, "killnode: %s\n", s.ToString().c_str());
    return 1;
  }
  sdk::KvServiceTable table(kv.get());
  TestNetOptions o;
  o.kv = table.table();
  o.users = 16;
  std::unique_ptr<TestNet> net;
  try {
    net = std::make_unique<TestNet>(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "killnode: %s\n", e.what());
    return 1;
  }
  net->clock() = std::max(net->clock(), net->chain().head().time_ms);
  int progress = ::open((dir + "/progress").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::mt19937_64 rng(static_cast<uint64_t>(::getpid()));
  for (;;) {
    const int txs = static_cast<int>(rng() % 24);
    for (int i = 0; i < txs; ++i) {
      size_t from = rng() % o.users, to = rng() % o.users;
      uint64_t nonce = net->Nonce(net->user(from).public_key()) + 1;
      // Queue a couple of nonces ahead sometimes; the mempool orders them.
      nonce += rng() % 2;
      (void)net->chain().SubmitTransaction(
          net->Spend(from, net->user(to).public_key(), Amount(1 + rng() % 1000), nonce, 0, 1 + rng() % 5), nullptr);
    }
    Block block;
    s = net->Produce(&block);
    if (!s.ok()) {
      std::fprintf(stderr, "killnode: %s\n", s.ToString().c_str());
      return 1;
    }
    std::string line = std::to_string(block.header.height) + "\n";
    if (::write(progress, line.data(), line.size()) < 0) return 1;
  }
}
