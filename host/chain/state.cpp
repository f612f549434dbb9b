#include "state.h"

#include <bciin/chain/hash.h>

namespace bciin::chain {

std::string StateDb::NodeKey(const Hash& hash) {
  std::string key(kNodePrefix);
  key.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return key;
}

Status StateDb::Get(const Hash& hash, NodeRef* node) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      *node = it->second;
      return Status();
    }
  }
  std::string value;
  Status s = kv_.Get(NodeKey(hash), &value);
  if (!s.ok()) return s;
  auto shared = std::make_shared<const Bytes>(value.begin(), value.end());
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= cache_limit_) cache_.clear();  // crude, but bounded and O(1) amortised
    cache_.emplace(hash, shared);
  }
  *node = std::move(shared);
  return Status();
}

void StateDb::Remember(const Hash& hash, Bytes node) {
  auto shared = std::make_shared<const Bytes>(std::move(node));
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= cache_limit_) cache_.clear();
  cache_.emplace(hash, std::move(shared));
}

Status StateView::Get(const std::string& subtree, ByteView key, std::optional<Bytes>* value) {
  auto it = dirty_.find(Key(subtree, Bytes(key.begin(), key.end())));
  if (it != dirty_.end()) {
    *value = it->second;
    return Status();
  }
  const Hash* root = base_.Find(subtree);
  if (root == nullptr) return Status::NotFound("no state subtree '" + subtree + "'");
  return SparseMerkleTree::Get(*reader_, *root, Blake2b256(key), value);
}

void StateView::Put(const std::string& subtree, ByteView key, Bytes value) {
  Set(subtree, key, std::move(value));
}

void StateView::Erase(const std::string& subtree, ByteView key) { Set(subtree, key, std::nullopt); }

void StateView::Set(const std::string& subtree, ByteView key, std::optional<Bytes> value) {
  Key k(subtree, Bytes(key.begin(), key.end()));
  auto it = dirty_.find(k);
  if (it == dirty_.end()) {
    journal_.push_back({k, false, std::nullopt});
    dirty_.emplace(std::move(k), std::move(value));
  } else {
    journal_.push_back({k, true, std::move(it->second)});
    it->second = std::move(value);
  }
}

void StateView::Rollback(size_t checkpoint) {
  while (journal_.size() > checkpoint) {
    Undo& u = journal_.back();
    if (u.existed)
      dirty_[u.key] = std::move(u.previous);
    else
      dirty_.erase(u.key);
    journal_.pop_back();
  }
}

Status StateView::Commit(const NodeWriter& writer, StateRoots* roots) const {
  StateRoots out = base_;
  std::map<std::string, std::vector<SmtUpdate>> updates;
  for (const auto& [key, value] : dirty_)
    updates[key.first].push_back({Blake2b256(key.second), key.second, value});
  for (auto& [subtree, ups] : updates) {
    SubtreeRoot* target = nullptr;
    for (SubtreeRoot& s : out.subtrees)
      if (s.name == subtree) target = &s;
    if (target == nullptr) return Status::Internal("a change to unknown subtree " + subtree);
    Hash root;
    BCIIN_RETURN_IF_ERROR(SparseMerkleTree::Update(*reader_, target->root, std::move(ups), writer, &root));
    target->root = root;
  }
  *roots = std::move(out);
  return Status();
}

}  // namespace bciin::chain
