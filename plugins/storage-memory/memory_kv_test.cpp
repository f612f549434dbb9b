#include "kv_conformance.h"
#include "memory_kv.h"

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

TEST(MemoryKv, RejectsUnknownOperation) {
  MemoryStore m;
  bciin_kv_op op{7, {nullptr, 0}, {nullptr, 0}};
  bciin_error e{};
  EXPECT_EQ(m.table.table()->write(&m.backend, &op, 1, 0, &e), BCIIN_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(m.backend.size(), 0u);
}

}  // namespace
}  // namespace bciin::storage
