#include "flat_state.h"

namespace bciin::chain {

void FlatState::Reset(const Hash& state) {
  std::lock_guard<std::mutex> lock(mu_);
  values_.Clear();
  state_ = state;
}

bool FlatState::Get(const Hash& state, const std::string& key, std::optional<Bytes>* value) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (state != state_) return false;
  std::string_view tagged;
  if (!values_.Find(key, &tagged) || tagged.empty()) return false;
  if (tagged[0] == 0) {
    *value = std::nullopt;
  } else {
    const auto* begin = reinterpret_cast<const uint8_t*>(tagged.data()) + 1;
    const auto* end = begin + tagged.size() - 1;
    if (*value)
      (*value)->assign(begin, end);  // reuses the caller's buffer
    else
      value->emplace(begin, end);
  }
  return true;
}

void FlatState::Set(std::string_view key, const std::optional<Bytes>& value) {
  tagged_.assign(1, value ? '\1' : '\0');
  if (value) tagged_.append(reinterpret_cast<const char*>(value->data()), value->size());
  values_.Put(key, tagged_);
}

void FlatState::Fill(const Hash& state, const std::string& key, const std::optional<Bytes>& value) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state != state_) return;
  if (values_.size() >= max_entries_) values_.Clear();  // bounded; refilled by the next reads
  std::string_view known;
  if (!values_.Find(key, &known)) Set(key, value);
}

void FlatState::Advance(const Hash& from, const Hash& to, const StateChanges& changes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ != from || values_.size() + changes.size() > max_entries_) values_.Clear();
  for (const auto& [key, value] : changes) Set(key, value);
  state_ = to;
}

size_t FlatState::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return values_.size();
}

}  // namespace bciin::chain
