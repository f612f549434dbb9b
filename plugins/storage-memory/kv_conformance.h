// The behaviour every bciin.kv/1 store must show, run against each backend through its C table.
// Include in a test file after defining `MakeStore()` returning a fixture with `.store`.
#pragma once

#include <bciin/sdk/kv.hpp>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace bciin::storage::conformance {

inline void GetPutDelete(const sdk::KvStore& kv) {
  std::string v;
  EXPECT_TRUE(kv.Get("a", &v).is(BCIIN_ERR_NOT_FOUND));
  ASSERT_TRUE(kv.Put("a", "1").ok());
  ASSERT_TRUE(kv.Get("a", &v).ok());
  EXPECT_EQ(v, "1");
  ASSERT_TRUE(kv.Put("a", "").ok());  // empty values are values
  ASSERT_TRUE(kv.Get("a", &v).ok());
  EXPECT_EQ(v, "");
  ASSERT_TRUE(kv.Delete("a").ok());
  EXPECT_TRUE(kv.Get("a", &v).is(BCIIN_ERR_NOT_FOUND));
  ASSERT_TRUE(kv.Delete("never").ok());  // deleting an absent key is fine
  std::string binary("\0\xff\0", 3);
  ASSERT_TRUE(kv.Put(binary, binary).ok());
  ASSERT_TRUE(kv.Get(binary, &v).ok());
  EXPECT_EQ(v, binary);
}

inline void BatchIsOrderedAndAtomic(const sdk::KvStore& kv) {
  sdk::KvBatch b;
  b.Put("k1", "x");
  b.Put("k2", "y");
  b.Delete("k1");
  b.Put("k3", "z");
  ASSERT_TRUE(kv.Write(b, true).ok());
  std::string v;
  EXPECT_TRUE(kv.Get("k1", &v).is(BCIIN_ERR_NOT_FOUND));
  EXPECT_TRUE(kv.Get("k2", &v).ok());
  EXPECT_TRUE(kv.Get("k3", &v).ok());
}

inline void OrderedIteration(const sdk::KvStore& kv) {
  for (std::string k : {"p/b", "p/a", "p/c", "q", "o"}) ASSERT_TRUE(kv.Put(k, k + "!").ok());
  std::unique_ptr<sdk::KvStore::Iterator> it;
  ASSERT_TRUE(kv.NewIterator(&it).ok());
  std::vector<std::string> keys;
  for (it->Seek("p/"); it->Valid() && it->key().substr(0, 2) == "p/"; it->Next()) {
    keys.emplace_back(it->key());
    EXPECT_EQ(it->value(), std::string(it->key()) + "!");
  }
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"p/a", "p/b", "p/c"}));
  it->Seek("");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "o");
  it->Seek("zzz");
  EXPECT_FALSE(it->Valid());
}

inline void SnapshotsAreConsistent(const sdk::KvStore& kv) {
  ASSERT_TRUE(kv.Put("s", "old").ok());
  std::unique_ptr<sdk::KvStore::Snapshot> snap;
  ASSERT_TRUE(kv.NewSnapshot(&snap).ok());
  ASSERT_TRUE(kv.Put("s", "new").ok());
  ASSERT_TRUE(kv.Put("t", "added").ok());
  std::string v;
  ASSERT_TRUE(kv.Get("s", &v, snap->get()).ok());
  EXPECT_EQ(v, "old");
  EXPECT_TRUE(kv.Get("t", &v, snap->get()).is(BCIIN_ERR_NOT_FOUND));
  ASSERT_TRUE(kv.Get("s", &v).ok());
  EXPECT_EQ(v, "new");
  std::unique_ptr<sdk::KvStore::Iterator> it;
  ASSERT_TRUE(kv.NewIterator(&it, snap->get()).ok());
  it->Seek("t");
  EXPECT_FALSE(it->Valid() && it->key() == "t");
}

inline void ConcurrentWriters(const sdk::KvStore& kv) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&kv, t] {
      for (int i = 0; i < 200; ++i) {
        sdk::KvBatch b;
        b.Put("c/" + std::to_string(t) + "/" + std::to_string(i), "v");
        EXPECT_TRUE(kv.Write(b).ok());
      }
    });
  for (auto& th : threads) th.join();
  std::unique_ptr<sdk::KvStore::Iterator> it;
  ASSERT_TRUE(kv.NewIterator(&it).ok());
  int n = 0;
  for (it->Seek("c/"); it->Valid() && it->key().substr(0, 2) == "c/"; it->Next()) ++n;
  EXPECT_EQ(n, 800);
}

}  // namespace bciin::storage::conformance
