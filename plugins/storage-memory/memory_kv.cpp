#include "memory_kv.h"

#include <algorithm>
#include <vector>

namespace bciin::storage {

namespace {
using Map = std::map<std::string, std::string, std::less<>>;

struct Snapshot {
  std::shared_ptr<const Map> map;
};

class MapCursor : public sdk::KvCursor {
 public:
  explicit MapCursor(std::shared_ptr<const Map> map) : map_(std::move(map)), it_(map_->end()) {}
  void Seek(std::string_view key) override { it_ = map_->lower_bound(key); }
  void Next() override {
    if (it_ != map_->end()) ++it_;
  }
  bool Valid() const override { return it_ != map_->end(); }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  Status status() const override { return Status(); }

 private:
  std::shared_ptr<const Map> map_;
  Map::const_iterator it_;
};
}  // namespace

MemoryKv::MemoryKv() : data_(std::make_shared<Map>()) {}

std::shared_ptr<const Map> MemoryKv::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

Status MemoryKv::Get(const void* snapshot, std::string_view key, std::string* value) {
  std::shared_ptr<const Map> map =
      snapshot ? static_cast<const Snapshot*>(snapshot)->map : Current();
  auto it = map->find(key);
  if (it == map->end()) return Status::NotFound("key");
  *value = it->second;
  return Status();
}

Status MemoryKv::Write(const bciin_kv_op* ops, size_t count, bool /*sync*/) {
  for (size_t i = 0; i < count; ++i)
    if (ops[i].kind != BCIIN_KV_PUT && ops[i].kind != BCIIN_KV_DELETE)
      return Status::InvalidArgument("unknown kv operation " + std::to_string(ops[i].kind));
  std::lock_guard<std::mutex> lock(mu_);
  // Copy on write while a snapshot or a cursor still reads the current map.
  if (data_.use_count() > 1) data_ = std::make_shared<Map>(*data_);
  // In key order (stable: of two operations on one key the later still wins): consecutive
  // lookups then share most of their path down the tree, which stays in the CPU cache.
  auto key_of = [&](size_t i) {
    return std::string_view(reinterpret_cast<const char*>(ops[i].key.data), ops[i].key.size);
  };
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key_of(a) < key_of(b); });
  for (size_t i : order) {
    const std::string_view key = key_of(i);
    auto it = data_->lower_bound(key);
    const bool found = it != data_->end() && it->first == key;
    if (ops[i].kind == BCIIN_KV_PUT) {
      std::string_view value(reinterpret_cast<const char*>(ops[i].value.data), ops[i].value.size);
      if (found)
        it->second.assign(value);
      else
        data_->emplace_hint(it, key, value);
    } else if (found) {
      data_->erase(it);
    }
  }
  return Status();
}

Status MemoryKv::CreateSnapshot(void** snapshot) {
  *snapshot = new Snapshot{Current()};
  return Status();
}

void MemoryKv::ReleaseSnapshot(void* snapshot) { delete static_cast<Snapshot*>(snapshot); }

Status MemoryKv::NewCursor(const void* snapshot, std::unique_ptr<sdk::KvCursor>* out) {
  std::shared_ptr<const Map> map =
      snapshot ? static_cast<const Snapshot*>(snapshot)->map : Current();
  *out = std::make_unique<MapCursor>(std::move(map));
  return Status();
}

size_t MemoryKv::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_->size();
}

}  // namespace bciin::storage
