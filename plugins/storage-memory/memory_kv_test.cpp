#include "kv_conformance.h"
#include "memory_kv.h"

#include <algorithm>
#include <string>
#include <vector>

namespace bciin::storage {
namespace {

struct MemoryStore {
  MemoryKv backend;
  sdk::KvServiceTable table{&backend};
  sdk::KvStore store{table.table()};
};

TEST(MemoryKv, GetPutDelete) { MemoryStore m; conformance::GetPutDelete(m.store); }
TEST(MemoryKv, BatchIsOrderedAndAtomic) { MemoryStore m; conformance::BatchIsOrderedAndAtomic(m.store); }
TEST(MemoryKv, OrderedIteration) { MemoryStore m; conformance::OrderedIteration(m.store); }
TEST(MemoryKv, SnapshotsAreConsistent) { MemoryStore m; conformance::SnapshotsAreConsistent(m.store); }
TEST(MemoryKv, ConcurrentWriters) { MemoryStore m; conformance::ConcurrentWriters(m.store); }

// The store is a hash map; a cursor sorts what it reads. Many keys written out of order (binary,
// with shared prefixes and erases) come back in byte order, and a cursor keeps the map it opened on.
TEST(MemoryKv, CursorSortsManyKeysAndKeepsItsMap) {
  MemoryStore m;
  std::vector<std::string> expected;
  sdk::KvBatch b;
  for (int i = 0; i < 500; ++i) {
    const int k = (i * 337) % 500;  // a permutation of 0..499
    std::string key = "n" + std::string(1, static_cast<char>(k % 7)) + std::to_string(k);
    b.Put(key, std::to_string(k));
    if (k % 5 == 0)
      b.Delete(key);
    else
      expected.push_back(key);
  }
  ASSERT_TRUE(m.store.Write(b).ok());
  std::sort(expected.begin(), expected.end());
  std::unique_ptr<sdk::KvStore::Iterator> it;
  ASSERT_TRUE(m.store.NewIterator(&it).ok());
  ASSERT_TRUE(m.store.Put("n", "written after the cursor opened").ok());
  std::vector<std::string> seen;
  for (it->Seek(""); it->Valid(); it->Next()) seen.emplace_back(it->key());
  EXPECT_EQ(seen, expected);
  it->Seek(expected[100]);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), expected[100]);
  it->Seek(expected[100] + std::string(1, '\0'));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), expected[101]);
  EXPECT_EQ(m.backend.size(), expected.size() + 1);
}

TEST(MemoryKv, RejectsUnknownOperation) {
  MemoryStore m;
  bciin_kv_op op{7, {nullptr, 0}, {nullptr, 0}};
  bciin_error e{};
  EXPECT_EQ(m.table.table()->write(&m.backend, &op, 1, 0, &e), BCIIN_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(m.backend.size(), 0u);
}

}  // namespace
}  // namespace bciin::storage
