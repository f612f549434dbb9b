#include "state.h"

#include <bciin/chain/hash.h>

#include <map>

namespace bciin::chain {

std::string StateDb::NodeKey(const Hash& hash) {
  std::string key(kNodePrefix);
  key.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return key;
}

Status StateDb::Get(const Hash& hash, NodeRef* node) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.Get(hash, node)) return Status();
  }
  std::string value;
  Status s = kv_.Get(NodeKey(hash), &value);
  if (!s.ok()) return s;
  auto shared = std::make_shared<const Bytes>(value.begin(), value.end());
  {
    std::lock_guard<std::mutex> lock(mu_);
    cache_.Put(hash, shared);
  }
  *node = std::move(shared);
  return Status();
}

void StateDb::Prefetch(const Hash& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.Prefetch(hash);
}

void StateDb::Remember(const Hash& hash, NodeRef node) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.Put(hash, std::move(node));
}

const std::string& StateView::DirtyKey(std::string_view subtree, ByteView key) {
  scratch_.assign(subtree);
  scratch_.push_back('\0');
  scratch_.append(reinterpret_cast<const char*>(key.data()), key.size());
  return scratch_;
}

Status StateView::Get(const std::string& subtree, ByteView key, std::optional<Bytes>* value) {
  const Bytes* found = nullptr;
  BCIIN_RETURN_IF_ERROR(Find(subtree, key, &found));
  if (found)
    *value = *found;
  else
    *value = std::nullopt;
  return Status();
}

Status StateView::Find(std::string_view subtree, ByteView key, const Bytes** value) {
  auto it = dirty_.find(DirtyKey(subtree, key));
  if (it != dirty_.end()) {
    *value = it->second ? &*it->second : nullptr;
    return Status();
  }
  if (!flat_ || !flat_->Get(base_id_, scratch_, &read_)) {
    const Hash* root = base_.Find(subtree);
    if (root == nullptr) return Status::NotFound("no state subtree '" + std::string(subtree) + "'");
    BCIIN_RETURN_IF_ERROR(SparseMerkleTree::Get(*reader_, *root, Blake2b256(key), &read_));
    if (flat_) flat_->Fill(base_id_, scratch_, read_);
  }
  *value = read_ ? &*read_ : nullptr;
  return Status();
}

StateChanges StateView::TakeChanges() {
  journal_.clear();
  undo_bytes_.clear();
  StateChanges out = std::move(dirty_);
  dirty_.clear();
  return out;
}

void StateView::Put(std::string_view subtree, ByteView key, ByteView value) { Set(subtree, key, value); }

void StateView::Erase(std::string_view subtree, ByteView key) { Set(subtree, key, std::nullopt); }

namespace {
// `to` becomes `value` (or empty for an erase), reusing its buffer.
void AssignValue(std::optional<Bytes>& to, std::optional<ByteView> value) {
  if (!value)
    to.reset();
  else if (to)
    to->assign(value->begin(), value->end());
  else
    to.emplace(value->begin(), value->end());
}
}  // namespace

void StateView::Set(std::string_view subtree, ByteView key, std::optional<ByteView> value) {
  const std::string& k = DirtyKey(subtree, key);
  auto it = dirty_.find(k);
  if (it == dirty_.end()) {
    it = dirty_.emplace(k, std::nullopt).first;
    journal_.push_back({&*it, false, false, 0, 0});
  } else {
    const std::optional<Bytes>& previous = it->second;
    journal_.push_back({&*it, true, previous.has_value(), undo_bytes_.size(), previous ? previous->size() : 0});
    if (previous) undo_bytes_.insert(undo_bytes_.end(), previous->begin(), previous->end());
  }
  AssignValue(it->second, value);
}

void StateView::Rollback(size_t checkpoint) {
  while (journal_.size() > checkpoint) {
    const Undo& u = journal_.back();
    if (!u.existed) {
      dirty_.erase(dirty_.find(u.entry->first));
    } else {
      std::optional<ByteView> previous;
      if (u.had_value) previous = ByteView(undo_bytes_.data() + u.offset, u.size);
      AssignValue(u.entry->second, previous);
      undo_bytes_.resize(u.offset);
    }
    journal_.pop_back();
  }
}

Status StateView::Commit(const NodeWriter& writer, StateRoots* roots) const {
  StateRoots out = base_;
  std::map<std::string, std::vector<SmtUpdate>, std::less<>> updates;
  for (const auto& [dirty_key, value] : dirty_) {
    const size_t nul = dirty_key.find('\0');
    const std::string_view subtree = std::string_view(dirty_key).substr(0, nul);
    const ByteView key = AsView(std::string_view(dirty_key).substr(nul + 1));
    auto at = updates.find(subtree);
    if (at == updates.end()) at = updates.emplace(std::string(subtree), std::vector<SmtUpdate>()).first;
    at->second.push_back({Blake2b256(key), Bytes(key.begin(), key.end()), value});
  }
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
