#include "memory_kv.h"

#include <algorithm>
#include <vector>

namespace bciin::storage {

namespace {
using Map = MemoryKv::Map;

struct Snapshot {
  std::shared_ptr<const Map> map;
};

// Walks the map's entries in key order (the map it holds never changes: writes copy it first).
class MapCursor : public sdk::KvCursor {
 public:
  explicit MapCursor(std::shared_ptr<const Map> map) : map_(std::move(map)) {
    sorted_.reserve(map_->size());
    map_->ForEach([&](std::string_view key, std::string_view value) { sorted_.push_back({key, value}); });
    std::sort(sorted_.begin(), sorted_.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
    at_ = sorted_.size();
  }
  void Seek(std::string_view key) override {
    at_ = static_cast<size_t>(
        std::lower_bound(sorted_.begin(), sorted_.end(), key,
                         [](const Entry& e, std::string_view k) { return e.first < k; }) -
        sorted_.begin());
  }
  void Next() override {
    if (at_ < sorted_.size()) ++at_;
  }
  bool Valid() const override { return at_ < sorted_.size(); }
  std::string_view key() const override { return sorted_[at_].first; }
  std::string_view value() const override { return sorted_[at_].second; }
  Status status() const override { return Status(); }

 private:
  using Entry = std::pair<std::string_view, std::string_view>;  // views into the map it holds
  std::shared_ptr<const Map> map_;
  std::vector<Entry> sorted_;
  size_t at_ = 0;
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
  std::string_view found;
  if (!map->Find(key, &found)) return Status::NotFound("key");
  value->assign(found);
  return Status();
}

Status MemoryKv::Write(const bciin_kv_op* ops, size_t count, bool /*sync*/) {
  for (size_t i = 0; i < count; ++i)
    if (ops[i].kind != BCIIN_KV_PUT && ops[i].kind != BCIIN_KV_DELETE)
      return Status::InvalidArgument("unknown kv operation " + std::to_string(ops[i].kind));
  std::lock_guard<std::mutex> lock(mu_);
  // Copy on write while a snapshot or a cursor still reads the current map.
  if (data_.use_count() > 1) data_ = std::make_shared<Map>(*data_);
  for (size_t i = 0; i < count; ++i) {  // in order: of two operations on one key the later wins
    const std::string_view key(reinterpret_cast<const char*>(ops[i].key.data), ops[i].key.size);
    if (ops[i].kind == BCIIN_KV_PUT)
      data_->Put(key, std::string_view(reinterpret_cast<const char*>(ops[i].value.data), ops[i].value.size));
    else
      data_->Erase(key);
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
