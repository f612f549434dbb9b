#include "leveldb_kv.h"

#include <leveldb/write_batch.h>

namespace bciin::storage {

namespace {

leveldb::Slice ToSlice(bciin_span s) {
  return leveldb::Slice(reinterpret_cast<const char*>(s.data), s.size);
}

Status FromLeveldb(const leveldb::Status& s, const std::string& what) {
  if (s.ok()) return Status();
  if (s.IsNotFound()) return Status::NotFound(what);
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  if (s.IsInvalidArgument()) return Status::InvalidArgument(what + ": " + s.ToString());
  if (s.IsNotSupportedError()) return Status::Unsupported(what + ": " + s.ToString());
  return Status::IoError(what + ": " + s.ToString());
}

class LeveldbCursor : public sdk::KvCursor {
 public:
  explicit LeveldbCursor(leveldb::Iterator* it) : it_(it) {}
  void Seek(std::string_view key) override { it_->Seek(leveldb::Slice(key.data(), key.size())); }
  void Next() override {
    if (it_->Valid()) it_->Next();
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override {
    leveldb::Slice s = it_->key();
    return {s.data(), s.size()};
  }
  std::string_view value() const override {
    leveldb::Slice s = it_->value();
    return {s.data(), s.size()};
  }
  Status status() const override { return FromLeveldb(it_->status(), "leveldb iterator"); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
};

}  // namespace

Status LeveldbKv::Open(const LeveldbOptions& options, std::unique_ptr<LeveldbKv>* out) {
  if (options.path.empty()) return Status::InvalidArgument("leveldb: no path given");
  std::unique_ptr<LeveldbKv> kv(new LeveldbKv());
  kv->options_ = options;
  leveldb::Options o;
  o.create_if_missing = true;
  o.paranoid_checks = options.paranoid_checks;
  o.write_buffer_size = static_cast<size_t>(options.write_buffer_mb) << 20;
  o.max_open_files = static_cast<int>(options.max_open_files);
  o.compression = options.compression ? leveldb::kSnappyCompression : leveldb::kNoCompression;
  kv->cache_.reset(leveldb::NewLRUCache(static_cast<size_t>(options.cache_mb) << 20));
  o.block_cache = kv->cache_.get();
  if (options.bloom_bits > 0) {
    kv->filter_.reset(leveldb::NewBloomFilterPolicy(static_cast<int>(options.bloom_bits)));
    o.filter_policy = kv->filter_.get();
  }
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(o, options.path, &db);
  if (!s.ok()) return FromLeveldb(s, "opening leveldb at " + options.path);
  kv->db_.reset(db);
  *out = std::move(kv);
  return Status();
}

LeveldbKv::~LeveldbKv() {
  db_.reset();  // the database before the cache and filter it uses
}

Status LeveldbKv::Get(const void* snapshot, std::string_view key, std::string* value) {
  leveldb::ReadOptions ro;
  ro.snapshot = static_cast<const leveldb::Snapshot*>(snapshot);
  leveldb::Status s = db_->Get(ro, leveldb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound("key");
  return FromLeveldb(s, "leveldb get");
}

Status LeveldbKv::Write(const bciin_kv_op* ops, size_t count, bool sync) {
  leveldb::WriteBatch batch;
  for (size_t i = 0; i < count; ++i) {
    if (ops[i].kind == BCIIN_KV_PUT)
      batch.Put(ToSlice(ops[i].key), ToSlice(ops[i].value));
    else if (ops[i].kind == BCIIN_KV_DELETE)
      batch.Delete(ToSlice(ops[i].key));
    else
      return Status::InvalidArgument("unknown kv operation " + std::to_string(ops[i].kind));
  }
  leveldb::WriteOptions wo;
  wo.sync = sync || options_.sync;
  return FromLeveldb(db_->Write(wo, &batch), "leveldb write");
}

Status LeveldbKv::CreateSnapshot(void** snapshot) {
  *snapshot = const_cast<leveldb::Snapshot*>(db_->GetSnapshot());
  return Status();
}

void LeveldbKv::ReleaseSnapshot(void* snapshot) {
  db_->ReleaseSnapshot(static_cast<const leveldb::Snapshot*>(snapshot));
}

Status LeveldbKv::NewCursor(const void* snapshot, std::unique_ptr<sdk::KvCursor>* out) {
  leveldb::ReadOptions ro;
  ro.snapshot = static_cast<const leveldb::Snapshot*>(snapshot);
  ro.fill_cache = false;
  *out = std::make_unique<LeveldbCursor>(db_->NewIterator(ro));
  return Status();
}

}  // namespace bciin::storage
