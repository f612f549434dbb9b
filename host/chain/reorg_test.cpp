#include "testnet.h"

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

// Two nodes share a genesis; each builds its own branch; the heavier one wins on both.
TEST(Reorg, HeavierBranchWinsAndStateFollows) {
  TestNet a, b;
  ASSERT_EQ(a.chain().genesis_hash(), b.chain().genesis_hash());
  const PublicKey x = a.user(3).public_key();
  // Branch A: 2 blocks, user 0 pays 10 then 20.
  ASSERT_TRUE(a.chain().SubmitTransaction(a.Spend(0, x, Amount(10), 1), nullptr).ok());
  ASSERT_TRUE(a.Produce().ok());
  ASSERT_TRUE(a.chain().SubmitTransaction(a.Spend(0, x, Amount(20), 2), nullptr).ok());
  ASSERT_TRUE(a.Produce().ok());
  // Branch B: 3 blocks, user 1 pays 5 in the first.
  std::vector<Block> bblocks;
  ASSERT_TRUE(b.chain().SubmitTransaction(b.Spend(1, x, Amount(5), 1), nullptr).ok());
  for (int i = 0; i < 3; ++i) {
    Block blk;
    ASSERT_TRUE(b.Produce(&blk).ok());
    bblocks.push_back(blk);
  }
  const Hash a_head = a.chain().head_hash();
  ImportResult r;
  ASSERT_TRUE(a.chain().ImportBlock(bblocks[0], &r).ok());
  EXPECT_FALSE(r.new_head);  // lighter
  ASSERT_TRUE(a.chain().ImportBlock(bblocks[1], &r).ok());
  EXPECT_FALSE(r.new_head);  // a tie keeps the first seen
  EXPECT_EQ(a.chain().head_hash(), a_head);
  ASSERT_TRUE(a.chain().ImportBlock(Encode(bblocks[2]), &r).ok());
  EXPECT_TRUE(r.new_head);
  EXPECT_EQ(r.reorg_depth, 2u);
  EXPECT_EQ(a.chain().head_hash(), b.chain().head_hash());
  EXPECT_EQ(a.chain().head().state_root, b.chain().head().state_root);
  EXPECT_EQ(a.Balance(x), b.Balance(x));
  EXPECT_EQ(a.Nonce(a.user(0).public_key()), 0u);  // its spends were undone...
  EXPECT_EQ(a.chain().mempool_size(), 2u);         // ...and are pending again
  Hash main;
  ASSERT_TRUE(a.chain().GetMainHash(3, &main).ok());
  EXPECT_EQ(main, bblocks[2].header.BlockHash());
  ImportResult again;
  EXPECT_TRUE(a.chain().ImportBlock(bblocks[2], &again).is(BCIIN_ERR_ALREADY_EXISTS));

  // The re-queued spends go into A's next block, on top of B's branch.
  Block next;
  ASSERT_TRUE(a.Produce(&next).ok());
  EXPECT_EQ(next.txs.size(), 2u);
  EXPECT_EQ(a.Nonce(a.user(0).public_key()), 2u);
  Hash recomputed;
  ASSERT_TRUE(a.chain().RecomputeStateRoot(&recomputed, nullptr).ok());
  EXPECT_EQ(recomputed, a.chain().head().state_root);

  // Back again: B's node learns A's longer branch... A's old blocks are side blocks there.
  ImportResult rb;
  ASSERT_TRUE(b.chain().ImportBlock(next, &rb).ok());
  EXPECT_TRUE(rb.new_head);
  EXPECT_EQ(b.chain().head().state_root, a.chain().head().state_root);
}

// With max_reorg_depth 1, a heavier branch that would undo 2 blocks is stored but not followed;
// one that undoes a single block is.
TEST(Reorg, DepthLimitKeepsADeeperBranchAside) {
  TestNetOptions limited;
  limited.max_reorg_depth = 1;
  TestNet a(limited), b;
  const PublicKey x = a.user(3).public_key();
  ASSERT_TRUE(a.chain().SubmitTransaction(a.Spend(0, x, Amount(10), 1), nullptr).ok());
  ASSERT_TRUE(a.Produce().ok());
  ASSERT_TRUE(a.Produce().ok());
  const Hash a_head = a.chain().head_hash();
  const Hash a_root = a.chain().head().state_root;
  std::vector<Block> deep(3);
  for (Block& blk : deep) ASSERT_TRUE(b.Produce(&blk).ok());
  ImportResult r;
  for (const Block& blk : deep) ASSERT_TRUE(a.chain().ImportBlock(blk, &r).ok());
  EXPECT_FALSE(r.new_head);
  EXPECT_EQ(r.reorg_depth, 0u);
  EXPECT_EQ(a.chain().head_hash(), a_head);
  EXPECT_EQ(a.chain().head().state_root, a_root);
  Block stored;
  EXPECT_TRUE(a.chain().GetBlock(deep[2].header.BlockHash(), &stored).ok());  // kept aside

  // A branch forking one block below the head may replace it.
  TestNet d(limited);
  std::vector<Block> mine(2);
  for (Block& blk : mine) ASSERT_TRUE(d.Produce(&blk).ok());
  TestNet e;
  ASSERT_TRUE(e.chain().ImportBlock(mine[0], nullptr).ok());
  std::vector<Block> other(2);
  for (Block& blk : other) ASSERT_TRUE(e.Produce(&blk).ok());  // on top of mine[0]: heights 2, 3
  ASSERT_TRUE(d.chain().ImportBlock(other[0], &r).ok());
  EXPECT_FALSE(r.new_head);  // a tie
  ASSERT_TRUE(d.chain().ImportBlock(other[1], &r).ok());
  EXPECT_TRUE(r.new_head);
  EXPECT_EQ(r.reorg_depth, 1u);
  EXPECT_EQ(d.chain().head_hash(), e.chain().head_hash());
}

TEST(Reorg, SurvivesReopenAfterSwitch) {
  TestNet a, b;
  ASSERT_TRUE(a.Produce().ok());
  std::vector<Block> bb(2);
  ASSERT_TRUE(b.chain().SubmitTransaction(b.Spend(1, b.user(2).public_key(), Amount(5), 1), nullptr).ok());
  ASSERT_TRUE(b.Produce(&bb[0]).ok());
  ASSERT_TRUE(b.Produce(&bb[1]).ok());
  for (auto& blk : bb) ASSERT_TRUE(a.chain().ImportBlock(blk, nullptr).ok());
  Hash head = a.chain().head_hash();
  ASSERT_TRUE(a.Open().ok());
  EXPECT_EQ(a.chain().head_hash(), head);
  Hash h1;
  ASSERT_TRUE(a.chain().GetMainHash(1, &h1).ok());
  EXPECT_EQ(h1, bb[0].header.BlockHash());
}

}  // namespace
}  // namespace bciin::chain
