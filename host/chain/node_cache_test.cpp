#include "node_cache.h"

#include <bciin/chain/hash.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

NodeRef NodeOf(uint8_t b) { return std::make_shared<const Bytes>(Bytes{b, b}); }

Hash HashOfIndex(uint32_t i) { return Blake2b256(Bytes{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i >> 16)}); }

// Grows through several doublings; every node stays findable; absent hashes are not found.
TEST(NodeCache, KeepsEveryNodeWhileGrowing) {
  NodeCache cache(100000);
  for (uint32_t i = 0; i < 5000; ++i) cache.Put(HashOfIndex(i), NodeOf(static_cast<uint8_t>(i)));
  EXPECT_EQ(cache.size(), 5000u);
  for (uint32_t i = 0; i < 5000; ++i) {
    NodeRef n;
    ASSERT_TRUE(cache.Get(HashOfIndex(i), &n)) << i;
    EXPECT_EQ((*n)[0], static_cast<uint8_t>(i));
  }
  NodeRef n;
  EXPECT_FALSE(cache.Get(HashOfIndex(5000), &n));
}

// Hashes placed by their first 8 bytes: ones that share them collide and still all resolve.
TEST(NodeCache, CollidingHashesAndDuplicates) {
  NodeCache cache(100);
  Hash a{}, b{}, c{};
  b[31] = 1;
  c[8] = 2;
  cache.Put(a, NodeOf(1));
  cache.Put(b, NodeOf(2));
  cache.Put(c, NodeOf(3));
  cache.Put(b, NodeOf(9));  // nodes are immutable: the first one stays
  EXPECT_EQ(cache.size(), 3u);
  NodeRef n;
  ASSERT_TRUE(cache.Get(a, &n));
  EXPECT_EQ((*n)[0], 1);
  ASSERT_TRUE(cache.Get(b, &n));
  EXPECT_EQ((*n)[0], 2);
  ASSERT_TRUE(cache.Get(c, &n));
  EXPECT_EQ((*n)[0], 3);
  Hash d{};
  d[0] = 0;
  d[31] = 7;
  EXPECT_FALSE(cache.Get(d, &n));
}

TEST(NodeCache, EmptiesWhenFullAndNeverHoldsMore) {
  NodeCache cache(10);
  for (uint32_t i = 0; i < 10; ++i) cache.Put(HashOfIndex(i), NodeOf(1));
  EXPECT_EQ(cache.size(), 10u);
  cache.Put(HashOfIndex(10), NodeOf(2));  // full: emptied, then this one kept
  EXPECT_EQ(cache.size(), 1u);
  NodeRef n;
  EXPECT_FALSE(cache.Get(HashOfIndex(0), &n));
  ASSERT_TRUE(cache.Get(HashOfIndex(10), &n));
  EXPECT_EQ((*n)[0], 2);
  NodeCache none(0);
  none.Put(HashOfIndex(1), NodeOf(1));
  EXPECT_FALSE(none.Get(HashOfIndex(1), &n));
}

}  // namespace
}  // namespace bciin::chain
