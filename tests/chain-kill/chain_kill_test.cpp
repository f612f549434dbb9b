// The kill -9 test: a producing node is killed at random moments, at least 50 times; after
// each kill the chain must open at a committed block no older than the last one the node
// reported, and the state root recomputed from scratch (replaying every block from genesis
// in memory) must equal the head header's.
#include "chain/testnet.h"
#include "leveldb_kv.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

extern char** environ;

namespace bciin::chain {
namespace {

uint64_t LastReported(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty() && !in.eof()) last = line;  // only complete lines
  return last.empty() ? 0 : std::stoull(last);
}

TEST(ChainKill, FiftyRandomKillsLeaveAConsistentChain) {
  const int rounds = std::getenv("BCIIN_KILL_ROUNDS") ? std::atoi(std::getenv("BCIIN_KILL_ROUNDS")) : 50;
  const std::string dir = ::testing::TempDir() + "/bciin_chain_kill_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::mt19937 rng(20261121);
  uint64_t height = 0;
  int kills_after_progress = 0;
  for (int round = 0; round < rounds; ++round) {
    pid_t pid = 0;
    std::string exe = BCIIN_KILLNODE_PATH;
    char* args[] = {exe.data(), const_cast<char*>(dir.c_str()), nullptr};
    ASSERT_EQ(posix_spawn(&pid, exe.c_str(), nullptr, nullptr, args, environ), 0);
    // Random moments: some during start-up and recovery, most while producing.
    const int delay_ms = 20 + static_cast<int>(rng() % 600);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the node exited by itself in round " << round
                                     << " (status " << WEXITSTATUS(status) << ")";
    const uint64_t reported = LastReported(dir + "/progress");

    // Restart: open the store as the node would, and check it.
    storage::LeveldbOptions lo;
    lo.path = dir + "/db";
    std::unique_ptr<storage::LeveldbKv> kv;
    Status s = storage::LeveldbKv::Open(lo, &kv);
    if (s.is(BCIIN_ERR_IO) && !std::filesystem::exists(dir + "/db/CURRENT")) continue;  // killed before creating it
    ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.ToString();
    sdk::KvServiceTable table(kv.get());
    TestNetOptions o;
    o.kv = table.table();
    o.users = 16;
    std::unique_ptr<TestNet> net;
    ASSERT_NO_THROW(net = std::make_unique<TestNet>(o)) << "round " << round;
    const Header head = net->chain().head();
    EXPECT_GE(head.height, reported) << "round " << round << ": a reported block was lost";
    EXPECT_GE(head.height, height) << "round " << round << ": the head went back";
    if (head.height > height) ++kills_after_progress;
    height = head.height;
    Hash recomputed;
    uint64_t blocks = 0;
    s = net->chain().RecomputeStateRoot(&recomputed, &blocks);
    ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.ToString();
    ASSERT_EQ(recomputed, head.state_root) << "round " << round;
    ASSERT_EQ(blocks, head.height);
  }
  std::printf("kill test: %d kills, final height %llu, %d rounds made progress\n", rounds,
              static_cast<unsigned long long>(height), kills_after_progress);
  EXPECT_GT(height, 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace bciin::chain
