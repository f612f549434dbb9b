#include "mempool.h"

#include <bciin/chain/hash.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

PoolEntry Entry(uint8_t sender, uint64_t nonce, uint64_t price, uint64_t ttl = 0, uint64_t gas = 100) {
  PoolEntry e;
  e.stx.tx.sender[0] = sender;
  e.stx.tx.nonce = nonce;
  e.stx.tx.gas_price = price;
  e.stx.tx.gas = gas;
  e.stx.tx.ttl = ttl;
  e.hash = TxHash(e.stx);
  e.size = 100;
  return e;
}

uint64_t Zero(const PublicKey&) { return 0; }

TEST(Mempool, SelectsNonceQueuesByGasPrice) {
  Mempool pool(MempoolLimits{});
  ASSERT_TRUE(pool.Add(Entry(1, 1, 5), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(1, 2, 50), 0).ok());  // behind a cheaper nonce of its account
  ASSERT_TRUE(pool.Add(Entry(2, 1, 10), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(3, 2, 100), 0).ok());  // gap: nonce 1 missing, not executable
  auto picked = pool.Select(Zero, 1, 1000, 1 << 20);
  ASSERT_EQ(picked.size(), 3u);
  EXPECT_EQ(picked[0]->stx.tx.sender[0], 2);  // 10
  EXPECT_EQ(picked[1]->stx.tx.sender[0], 1);  // 5, which unlocks its 50
  EXPECT_EQ(picked[2]->stx.tx.nonce, 2u);
}

TEST(Mempool, RespectsBudgets) {
  Mempool pool(MempoolLimits{});
  for (uint8_t s = 1; s <= 5; ++s) ASSERT_TRUE(pool.Add(Entry(s, 1, s), 0).ok());
  EXPECT_EQ(pool.Select(Zero, 1, 250, 1 << 20).size(), 2u);  // gas 100 each
  EXPECT_EQ(pool.Select(Zero, 1, 1000, 300).size(), 3u);     // 100 bytes each
}

TEST(Mempool, ReplacementNeedsHigherGasPrice) {
  Mempool pool(MempoolLimits{});
  ASSERT_TRUE(pool.Add(Entry(1, 1, 5), 0).ok());
  Status same = pool.Add(Entry(1, 1, 5, 7), 0);  // different tx (ttl), same price
  EXPECT_NE(same.message().find("higher gas price"), std::string::npos) << same.ToString();
  PoolEntry better = Entry(1, 1, 6);
  ASSERT_TRUE(pool.Add(better, 0).ok());
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_TRUE(pool.Contains(better.hash));
  EXPECT_TRUE(pool.Add(better, 0).is(BCIIN_ERR_ALREADY_EXISTS));
}

TEST(Mempool, NonceWindow) {
  MempoolLimits limits;
  limits.max_per_account = 4;
  Mempool pool(limits);
  EXPECT_NE(pool.Add(Entry(1, 3, 1), 3).message().find("nonce too low"), std::string::npos);
  EXPECT_NE(pool.Add(Entry(1, 8, 1), 3).message().find("nonce too high"), std::string::npos);
  EXPECT_TRUE(pool.Add(Entry(1, 7, 1), 3).ok());
}

TEST(Mempool, FullPoolEvictsCheapestTail) {
  MempoolLimits limits;
  limits.max_txs = 3;
  Mempool pool(limits);
  ASSERT_TRUE(pool.Add(Entry(1, 1, 10), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(1, 2, 1), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(2, 1, 5), 0).ok());
  PoolEntry cheap = Entry(3, 1, 1);
  EXPECT_NE(pool.Add(cheap, 0).message().find("mempool full"), std::string::npos);
  PoolEntry rich = Entry(3, 1, 2);
  ASSERT_TRUE(pool.Add(rich, 0).ok());
  EXPECT_EQ(pool.size(), 3u);
  EXPECT_FALSE(pool.Contains(Entry(1, 2, 1).hash));  // the cheapest tail went
}

TEST(Mempool, PruneDropsMinedAndExpired) {
  Mempool pool(MempoolLimits{});
  ASSERT_TRUE(pool.Add(Entry(1, 1, 1), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(1, 2, 1), 0).ok());
  ASSERT_TRUE(pool.Add(Entry(2, 1, 1, 5), 0).ok());
  pool.Prune([](const PublicKey& k) { return k[0] == 1 ? 1u : 0u; }, 6);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_TRUE(pool.Contains(Entry(1, 2, 1).hash));
  // Expired transactions are not selected even before a prune.
  ASSERT_TRUE(pool.Add(Entry(3, 1, 1, 2), 0).ok());
  EXPECT_EQ(pool.Select(Zero, 3, 1000, 1 << 20).size(), 0u);
}

}  // namespace
}  // namespace bciin::chain
