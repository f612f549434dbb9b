#include "flat_state.h"

namespace bciin::chain {

void FlatState::Reset(const Hash& state) {
  std::lock_guard<std::mutex> lock(mu_);
  values_.clear();
  state_ = state;
}

bool FlatState::Get(const Hash& state, const std::string& key, std::optional<Bytes>* value) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (state != state_) return false;
  auto it = values_.find(key);
  if (it == values_.end()) return false;
  *value = it->second;
  return true;
}

void FlatState::Fill(const Hash& state, const std::string& key, const std::optional<Bytes>& value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state != state_) return;
  if (values_.size() >= max_entries_) values_.clear();  // bounded; refilled by the next reads
  values_.emplace(key, value);
}

void FlatState::Advance(const Hash& from, const Hash& to, StateChanges changes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != from || values_.size() + changes.size() > max_entries_) values_.clear();
  if (values_.empty()) {
    values_ = std::move(changes);
  } else {
    for (auto& [key, value] : changes) values_.insert_or_assign(key, std::move(value));
  }
  state_ = to;
}

size_t FlatState::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return values_.size();
}

}  // namespace bciin::chain
