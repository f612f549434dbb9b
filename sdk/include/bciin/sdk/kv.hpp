// C++ faces of bciin.kv/1 (kv.h): KvStore for users of a store, KvBackend + KvServiceTable for
// plugins that implement one. Header-only; every call crosses the C table.
#pragma once

#include <bciin/kv.h>
#include <bciin/sdk/status.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::sdk {
inline namespace v1 {

namespace kvdetail {
inline bciin_span Span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view View(bciin_span s) {
  return {reinterpret_cast<const char*>(s.data), s.size};
}
inline void AppendTo(void* context, const uint8_t* data, size_t size) {
  static_cast<std::string*>(context)->append(reinterpret_cast<const char*>(data), size);
}
inline Status FromC(int32_t rc, const bciin_error& e) {
  return rc == BCIIN_OK ? Status() : Status::FromError(e);
}
}  // namespace kvdetail

// A batch of puts and deletes applied atomically by KvStore::Write. Owns its bytes.
class KvBatch {
 public:
  void Put(std::string_view key, std::string_view value) {
    entries_.push_back({BCIIN_KV_PUT, std::string(key), std::string(value)});
  }
  void Delete(std::string_view key) { entries_.push_back({BCIIN_KV_DELETE, std::string(key), {}}); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void Clear() { entries_.clear(); }
  size_t ApproximateBytes() const {
    size_t n = 0;
    for (const auto& e : entries_) n += e.key.size() + e.value.size();
    return n;
  }

  std::vector<bciin_kv_op> Ops() const {
    std::vector<bciin_kv_op> ops;
    ops.reserve(entries_.size());
    for (const auto& e : entries_)
      ops.push_back({e.kind, kvdetail::Span(e.key), kvdetail::Span(e.value)});
    return ops;
  }

 private:
  struct Entry {
    int32_t kind;
    std::string key, value;
  };
  std::vector<Entry> entries_;
};

// A client of one store. Cheap to copy; the table must outlive it.
class KvStore {
 public:
  KvStore() = default;
  explicit KvStore(const bciin_kv_service* service) : s_(service) {}
  // From a generic service header (checks the id).
  static Status From(const bciin_service_header* header, KvStore* out) {
    if (header == nullptr) return Status::NotFound("no " BCIIN_KV_SERVICE_ID " service");
    if (std::string_view(header->id) != BCIIN_KV_SERVICE_ID || header->size < sizeof(bciin_kv_service))
      return Status::Unsupported(std::string("not a " BCIIN_KV_SERVICE_ID " table: ") + header->id);
    *out = KvStore(reinterpret_cast<const bciin_kv_service*>(header));
    return Status();
  }
  const bciin_kv_service* table() const { return s_; }
  bool valid() const { return s_ != nullptr; }

  // NotFound when absent.
  Status Get(std::string_view key, std::string* value,
             const bciin_kv_snapshot* snapshot = nullptr) const {
    value->clear();
    bciin_error e{};
    int32_t rc = s_->get(s_->header.instance, snapshot, kvdetail::Span(key),
                         bciin_sink{value, &kvdetail::AppendTo}, &e);
    return kvdetail::FromC(rc, e);
  }
  Status Put(std::string_view key, std::string_view value, bool sync = false) const {
    KvBatch b;
    b.Put(key, value);
    return Write(b, sync);
  }
  Status Delete(std::string_view key, bool sync = false) const {
    KvBatch b;
    b.Delete(key);
    return Write(b, sync);
  }
  Status Write(const KvBatch& batch, bool sync = false) const {
    auto ops = batch.Ops();
    bciin_error e{};
    int32_t rc = s_->write(s_->header.instance, ops.data(), ops.size(),
                           sync ? BCIIN_KV_WRITE_SYNC : 0u, &e);
    return kvdetail::FromC(rc, e);
  }

  // A consistent view; released when destroyed.
  class Snapshot {
   public:
    Snapshot(const bciin_kv_service* s, bciin_kv_snapshot* snap) : s_(s), snap_(snap) {}
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;
    ~Snapshot() {
      if (snap_) s_->snapshot_release(s_->header.instance, snap_);
    }
    const bciin_kv_snapshot* get() const { return snap_; }

   private:
    const bciin_kv_service* s_;
    bciin_kv_snapshot* snap_;
  };
  Status NewSnapshot(std::unique_ptr<Snapshot>* out) const {
    bciin_error e{};
    bciin_kv_snapshot* snap = s_->snapshot_create(s_->header.instance, &e);
    if (!snap) return Status::FromError(e);
    *out = std::make_unique<Snapshot>(s_, snap);
    return Status();
  }

  // Ordered iteration; destroyed with the object.
  class Iterator {
   public:
    Iterator(const bciin_kv_service* s, bciin_kv_iterator* it) : s_(s), it_(it) {}
    Iterator(const Iterator&) = delete;
    Iterator& operator=(const Iterator&) = delete;
    ~Iterator() { s_->iterator_destroy(it_); }
    void Seek(std::string_view key) { s_->iterator_seek(it_, kvdetail::Span(key)); }
    void Next() { s_->iterator_next(it_); }
    bool Valid() const { return s_->iterator_valid(it_) != 0; }
    std::string_view key() const { return kvdetail::View(s_->iterator_key(it_)); }
    std::string_view value() const { return kvdetail::View(s_->iterator_value(it_)); }
    Status status() const {
      bciin_error e{};
      return kvdetail::FromC(s_->iterator_status(it_, &e), e);
    }

   private:
    const bciin_kv_service* s_;
    bciin_kv_iterator* it_;
  };
  Status NewIterator(std::unique_ptr<Iterator>* out,
                     const bciin_kv_snapshot* snapshot = nullptr) const {
    bciin_error e{};
    bciin_kv_iterator* it = s_->iterator_create(s_->header.instance, snapshot, &e);
    if (!it) return Status::FromError(e);
    *out = std::make_unique<Iterator>(s_, it);
    return Status();
  }

 private:
  const bciin_kv_service* s_ = nullptr;
};

// ---- Implementing a store ------------------------------------------------------------------

class KvCursor {
 public:
  virtual ~KvCursor() = default;
  virtual void Seek(std::string_view key) = 0;
  virtual void Next() = 0;
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual Status status() const = 0;
};

// What a storage plugin implements. Snapshots are opaque pointers the backend owns.
class KvBackend {
 public:
  virtual ~KvBackend() = default;
  virtual Status Get(const void* snapshot, std::string_view key, std::string* value) = 0;
  virtual Status Write(const bciin_kv_op* ops, size_t count, bool sync) = 0;
  virtual Status CreateSnapshot(void** snapshot) = 0;
  virtual void ReleaseSnapshot(void* snapshot) = 0;
  virtual Status NewCursor(const void* snapshot, std::unique_ptr<KvCursor>* out) = 0;
};

// The C table over a KvBackend. Keep it alive as long as the service is published.
class KvServiceTable {
 public:
  explicit KvServiceTable(KvBackend* backend, const char* version = BCIIN_KV_SERVICE_VERSION) {
    t_.header = {sizeof(bciin_kv_service), BCIIN_KV_SERVICE_ID, version, backend};
    t_.get = &GetFn;
    t_.write = &WriteFn;
    t_.snapshot_create = &SnapCreate;
    t_.snapshot_release = &SnapRelease;
    t_.iterator_create = &IterCreate;
    t_.iterator_seek = [](bciin_kv_iterator* it, bciin_span key) { Cur(it)->Seek(kvdetail::View(key)); };
    t_.iterator_next = [](bciin_kv_iterator* it) { Cur(it)->Next(); };
    t_.iterator_valid = [](const bciin_kv_iterator* it) -> int32_t { return Cur(it)->Valid() ? 1 : 0; };
    t_.iterator_key = [](const bciin_kv_iterator* it) { return kvdetail::Span(Cur(it)->key()); };
    t_.iterator_value = [](const bciin_kv_iterator* it) { return kvdetail::Span(Cur(it)->value()); };
    t_.iterator_status = [](const bciin_kv_iterator* it, bciin_error* e) -> int32_t {
      return Cur(it)->status().ToError(e);
    };
    t_.iterator_destroy = [](bciin_kv_iterator* it) { delete Cur(it); };
  }
  const bciin_kv_service* table() const { return &t_; }
  const bciin_service_header* header() const { return &t_.header; }

 private:
  static KvBackend* B(void* instance) { return static_cast<KvBackend*>(instance); }
  static KvCursor* Cur(const bciin_kv_iterator* it) {
    return reinterpret_cast<KvCursor*>(const_cast<bciin_kv_iterator*>(it));
  }
  static int32_t GetFn(void* inst, const bciin_kv_snapshot* snap, bciin_span key, bciin_sink out,
                       bciin_error* e) noexcept {
    try {
      std::string value;
      Status s = B(inst)->Get(snap, kvdetail::View(key), &value);
      if (!s.ok()) return s.ToError(e);
      out.write(out.context, reinterpret_cast<const uint8_t*>(value.data()), value.size());
      return BCIIN_OK;
    } catch (const std::exception& ex) {
      return Status::Internal(std::string("kv get: ") + ex.what()).ToError(e);
    }
  }
  static int32_t WriteFn(void* inst, const bciin_kv_op* ops, size_t n, uint32_t flags,
                         bciin_error* e) noexcept {
    try {
      return B(inst)->Write(ops, n, (flags & BCIIN_KV_WRITE_SYNC) != 0).ToError(e);
    } catch (const std::exception& ex) {
      return Status::Internal(std::string("kv write: ") + ex.what()).ToError(e);
    }
  }
  static bciin_kv_snapshot* SnapCreate(void* inst, bciin_error* e) noexcept {
    try {
      void* snap = nullptr;
      Status s = B(inst)->CreateSnapshot(&snap);
      if (!s.ok()) {
        s.ToError(e);
        return nullptr;
      }
      return static_cast<bciin_kv_snapshot*>(snap);
    } catch (const std::exception& ex) {
      Status::Internal(std::string("kv snapshot: ") + ex.what()).ToError(e);
      return nullptr;
    }
  }
  static void SnapRelease(void* inst, bciin_kv_snapshot* snap) noexcept {
    try {
      B(inst)->ReleaseSnapshot(snap);
    } catch (...) {
    }
  }
  static bciin_kv_iterator* IterCreate(void* inst, const bciin_kv_snapshot* snap,
                                       bciin_error* e) noexcept {
    try {
      std::unique_ptr<KvCursor> cur;
      Status s = B(inst)->NewCursor(snap, &cur);
      if (!s.ok()) {
        s.ToError(e);
        return nullptr;
      }
      return reinterpret_cast<bciin_kv_iterator*>(cur.release());
    } catch (const std::exception& ex) {
      Status::Internal(std::string("kv iterator: ") + ex.what()).ToError(e);
      return nullptr;
    }
  }

  bciin_kv_service t_{};
};

}  // namespace v1
}  // namespace bciin::sdk
