#include "state.h"

#include <bciin/chain/hash.h>

#include <gtest/gtest.h>

#include <map>
#include <random>

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

// Nested checkpoints over random puts (values of changing sizes) and erases of a few keys, on
// top of committed values: every rollback restores exactly the state seen at its checkpoint.
TEST(StateView, NestedRollbacksRestoreEveryCheckpoint) {
  MemoryNodeStore store;
  StateView base(&store, TwoSubtrees());
  for (uint8_t k = 0; k < 4; ++k) base.Put("names", Bytes{k}, Bytes(k + 1u, k));
  StateRoots roots;
  ASSERT_TRUE(base.Commit(store.Writer(), &roots).ok());
  StateView v(&store, roots);
  using Model = std::map<uint8_t, std::optional<Bytes>>;
  auto read = [&] {
    Model m;
    for (uint8_t k = 0; k < 8; ++k) {
      std::optional<Bytes> out;
      EXPECT_TRUE(v.Get("names", Bytes{k}, &out).ok());
      m[k] = out;
    }
    return m;
  };
  std::mt19937 rng(9);
  std::vector<std::pair<size_t, Model>> checkpoints;
  for (int step = 0; step < 3000; ++step) {
    const unsigned op = rng() % 10;
    const uint8_t k = static_cast<uint8_t>(rng() % 8);
    if (op < 5) {
      v.Put("names", Bytes{k}, Bytes(rng() % 40, static_cast<uint8_t>(step)));
    } else if (op < 7) {
      v.Erase("names", Bytes{k});
    } else if (op < 9 || checkpoints.empty()) {
      checkpoints.emplace_back(v.Checkpoint(), read());
    } else {
      const size_t back = rng() % checkpoints.size();  // sometimes several levels at once
      v.Rollback(checkpoints[back].first);
      ASSERT_EQ(read(), checkpoints[back].second) << "step " << step;
      checkpoints.resize(back);
    }
  }
  v.Rollback(0);
  Model committed;
  for (uint8_t k = 0; k < 8; ++k) committed[k] = k < 4 ? std::optional<Bytes>(Bytes(k + 1u, k)) : std::nullopt;
  EXPECT_EQ(read(), committed);
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
