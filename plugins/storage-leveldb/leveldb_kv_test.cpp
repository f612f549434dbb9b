#include "../storage-memory/kv_conformance.h"
#include "leveldb_kv.h"

#include <filesystem>

namespace bciin::storage {
namespace {

struct LeveldbStore {
  std::string dir;
  std::unique_ptr<LeveldbKv> backend;
  std::unique_ptr<sdk::KvServiceTable> table;
  sdk::KvStore store;

  explicit LeveldbStore(const std::string& name) {
    dir = ::testing::TempDir() + "/bciin_leveldb_" + name + "_" + std::to_string(::getpid());
    std::filesystem::remove_all(dir);
    Reopen();
  }
  void Reopen() {
    table.reset();
    backend.reset();
    LeveldbOptions o;
    o.path = dir;
    o.cache_mb = 4;
    Status s = LeveldbKv::Open(o, &backend);
    EXPECT_TRUE(s.ok()) << s.ToString();
    table = std::make_unique<sdk::KvServiceTable>(backend.get());
    store = sdk::KvStore(table->table());
  }
  ~LeveldbStore() {
    table.reset();
    backend.reset();
    std::filesystem::remove_all(dir);
  }
};

TEST(LeveldbKv, GetPutDelete) { LeveldbStore m("gpd"); conformance::GetPutDelete(m.store); }
TEST(LeveldbKv, BatchIsOrderedAndAtomic) { LeveldbStore m("batch"); conformance::BatchIsOrderedAndAtomic(m.store); }
TEST(LeveldbKv, OrderedIteration) { LeveldbStore m("iter"); conformance::OrderedIteration(m.store); }
TEST(LeveldbKv, SnapshotsAreConsistent) { LeveldbStore m("snap"); conformance::SnapshotsAreConsistent(m.store); }
TEST(LeveldbKv, ConcurrentWriters) { LeveldbStore m("conc"); conformance::ConcurrentWriters(m.store); }

TEST(LeveldbKv, SurvivesReopen) {
  LeveldbStore m("reopen");
  ASSERT_TRUE(m.store.Put("durable", "yes", true).ok());
  m.Reopen();
  std::string v;
  ASSERT_TRUE(m.store.Get("durable", &v).ok());
  EXPECT_EQ(v, "yes");
}

TEST(LeveldbKv, BadPathIsAnIoErrorNamingThePath) {
  std::unique_ptr<LeveldbKv> kv;
  LeveldbOptions o;
  o.path = "/proc/definitely/not/writable";
  Status s = LeveldbKv::Open(o, &kv);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(o.path), std::string::npos) << s.ToString();
  o.path = "";
  EXPECT_TRUE(LeveldbKv::Open(o, &kv).is(BCIIN_ERR_INVALID_ARGUMENT));
}

}  // namespace
}  // namespace bciin::storage
