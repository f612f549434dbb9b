// A kv batch whose operations may point at bytes the caller keeps alive until Write (a block's
// new state tree nodes and its encoding), so they reach the kv service without being copied
// into the batch first; keys and values made on the spot are kept by the batch itself.
#pragma once

#include <bciin/sdk/kv.hpp>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::chain {

class ViewBatch {
 public:
  void Reserve(size_t ops) { ops_.reserve(ops); }
  // `key` and `value` must stay valid until Write returns.
  void PutView(std::string_view key, std::string_view value) {
    ops_.push_back({BCIIN_KV_PUT, sdk::kvdetail::Span(key), sdk::kvdetail::Span(value)});
  }
  void Put(std::string key, std::string value) { PutView(Keep(std::move(key)), Keep(std::move(value))); }
  void Delete(std::string key) { ops_.push_back({BCIIN_KV_DELETE, sdk::kvdetail::Span(Keep(std::move(key))), {}}); }
  size_t size() const { return ops_.size(); }

  // One atomic write of every operation, in order.
  Status Write(const sdk::KvStore& kv, bool sync) const {
    const bciin_kv_service* s = kv.table();
    bciin_error e{};
    const int32_t rc = s->write(s->header.instance, ops_.data(), ops_.size(), sync ? BCIIN_KV_WRITE_SYNC : 0u, &e);
    return sdk::kvdetail::FromC(rc, e);
  }

 private:
  std::string_view Keep(std::string s) { return owned_.emplace_back(std::move(s)); }  // deque: stable

  std::vector<bciin_kv_op> ops_;
  std::deque<std::string> owned_;
};

}  // namespace bciin::chain
