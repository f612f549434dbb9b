#include "state.h"

#include <bciin/chain/hash.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

StateRoots TwoSubtrees() {
  StateRoots r;
  r.subtrees = {{"accounts", kZeroHash}, {"names", kZeroHash}};
  return r;
}

TEST(StateView, ReadsOwnWritesAndRollsBack) {
  MemoryNodeStore store;
  StateView v(&store, TwoSubtrees());
  std::optional<Bytes> out;
  ASSERT_TRUE(v.Get("names", Bytes{1}, &out).ok());
  EXPECT_FALSE(out);
  v.Put("names", Bytes{1}, Bytes{9});
  size_t cp = v.Checkpoint();
  v.Put("names", Bytes{1}, Bytes{10});
  v.Put("names", Bytes{2}, Bytes{11});
  v.Erase("names", Bytes{1});
  ASSERT_TRUE(v.Get("names", Bytes{1}, &out).ok());
  EXPECT_FALSE(out);
  v.Rollback(cp);
  ASSERT_TRUE(v.Get("names", Bytes{1}, &out).ok());
  EXPECT_EQ(out, Bytes{9});
  ASSERT_TRUE(v.Get("names", Bytes{2}, &out).ok());
  EXPECT_FALSE(out);
  EXPECT_TRUE(v.Get("oracles", Bytes{1}, &out).is(BCIIN_ERR_NOT_FOUND));
}

TEST(StateView, CommitChangesOnlyTouchedSubtrees) {
  MemoryNodeStore store;
  StateView v(&store, TwoSubtrees());
  v.Put("names", Bytes{1}, Bytes{9});
  StateRoots roots;
  ASSERT_TRUE(v.Commit(store.Writer(), &roots).ok());
  EXPECT_EQ(*roots.Find("accounts"), kZeroHash);
  EXPECT_EQ(*roots.Find("names"), SparseMerkleTree::LeafHash(Blake2b256(Bytes{1}), Bytes{9}));
  // A view over the new roots reads the committed value.
  StateView next(&store, roots);
  std::optional<Bytes> out;
  ASSERT_TRUE(next.Get("names", Bytes{1}, &out).ok());
  EXPECT_EQ(out, Bytes{9});
}

}  // namespace
}  // namespace bciin::chain
