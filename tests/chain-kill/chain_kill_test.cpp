// The kill -9 test on bciin-node: a node producing blocks (storage-leveldb, consensus-dev, the
// built-in chain, its devnet load submitting spends so that every block changes the state) is
// killed with SIGKILL at random moments, at least 50 times, and restarted each time on the same
// data dir with [chain] verify-state, which replays the stored main chain from genesis and
// requires every recomputed state root to equal its header's before the node goes on. Each
// start must open at or past the last block the killed node reported committed.
#include "process.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

namespace bciin::testing {
namespace {

using namespace std::chrono_literals;

// The number after the last (or first) occurrence of `marker` in `text`; -1 when absent.
int64_t NumberAfter(const std::string& text, const std::string& marker, bool last = true) {
  size_t at = last ? text.rfind(marker) : text.find(marker);
  if (at == std::string::npos) return -1;
  int64_t n = 0;
  size_t i = at + marker.size();
  if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) n = n * 10 + (text[i] - '0');
  return n;
}

// The output up to its last complete line (a kill may cut the last one).
std::string CompleteLines(const std::string& output) {
  size_t end = output.rfind('\n');
  return end == std::string::npos ? "" : output.substr(0, end + 1);
}

// Sums the txs=N of every "produced block" line.
int64_t ProducedTxs(const std::string& log) {
  int64_t total = 0;
  for (size_t at = log.find("produced block #"); at != std::string::npos; at = log.find("produced block #", at + 1))
    total += std::max<int64_t>(0, NumberAfter(log.substr(at, log.find('\n', at) - at), "txs="));
  return total;
}

TEST(ChainKill, FiftyRandomKillsOfAProducingNode) {
  const int rounds = std::getenv("BCIIN_KILL_ROUNDS") ? std::atoi(std::getenv("BCIIN_KILL_ROUNDS")) : 50;
  TempDir dir;
  const auto config = dir / "node.ini";
  // storage-leveldb first: LeakSanitizer reports leveldb's never-freed Env once its module is
  // unloaded in the other order. A small write buffer makes flushes and compactions frequent,
  // so kills land in them too.
  WriteFile(config, fmt::format("plugin = storage-leveldb\nplugin = chain\nplugin = consensus-dev\n"
                                "plugin-dir = {}\ndata-dir = {}\n"
                                "[storage-leveldb]\nwrite-buffer-mb = 1\n"
                                "[consensus-dev]\ninterval-ms = 50\n"
                                "[chain]\nproduce = true\nverify-state = true\nverify-threads = 1\n"
                                "devnet-accounts = 8\ndevnet-load = 200\n",
                                (BuildDir() / "lib" / "bciin" / "plugins").string(), (dir / "data").string()));
  std::mt19937 rng(20261121);
  int64_t reported = 0;  // the highest block a killed node reported committed
  int verified = 0, advanced = 0;
  int64_t txs = 0;
  for (int round = 0; round < rounds; ++round) {
    Process node(Program("bciin-node"), {"--config", config.string()});
    // Random moments from the start: some in start-up and recovery, most while producing.
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 700));
    ASSERT_TRUE(node.Running()) << "round " << round << ": the node exited by itself:\n" << node.Output();
    node.Signal(SIGKILL);
    ASSERT_EQ(node.Wait(30s), 128 + SIGKILL) << "round " << round;
    const std::string log = CompleteLines(node.Output());
    // Whatever the node got to: the replay from genesis (it logs the head it verified), the
    // head it opened at, the blocks it produced.
    const int64_t verified_head = NumberAfter(log, "state verified: ", false);
    if (verified_head >= 0) {
      ++verified;
      EXPECT_GE(verified_head, reported) << "round " << round << ": a reported block was lost\n" << log;
    }
    const size_t opened_at = log.find(" opened: genesis ");
    if (opened_at != std::string::npos) {
      const int64_t opened = NumberAfter(log.substr(opened_at), "head #", false);
      EXPECT_GE(opened, reported) << "round " << round << ": a reported block was lost\n" << log;
      EXPECT_EQ(opened, verified_head) << "round " << round << ": opened without the state check\n" << log;
    }
    const int64_t produced = NumberAfter(log, "produced block #");
    if (produced > reported) {
      reported = produced;
      ++advanced;
    }
    txs += ProducedTxs(log);
  }
  // A last start: the chain opens at or past everything reported and verifies; a clean stop.
  Process node(Program("bciin-node"), {"--config", config.string()});
  ASSERT_TRUE(node.WaitForOutput("state verified: ", 120s)) << node.Output();
  const std::string log = node.Output();
  EXPECT_GE(NumberAfter(log, "head #", false), reported) << log;
  node.Signal(SIGTERM);
  EXPECT_EQ(node.Wait(60s), 0) << node.Output();
  std::printf("kill test: %d kills, %d starts verified the state from genesis, %d rounds made progress, "
              "last reported block #%lld, %lld spends in the blocks produced\n",
              rounds, verified, advanced, static_cast<long long>(reported), static_cast<long long>(txs));
  EXPECT_GE(verified, rounds / 2) << "most kills should land after the start-up check";
  EXPECT_GE(advanced, rounds / 2) << "most rounds should produce blocks";
  EXPECT_GT(txs, 0) << "the blocks carried no transactions";
}

}  // namespace
}  // namespace bciin::testing
