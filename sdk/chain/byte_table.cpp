#include <bciin/chain/byte_table.h>

#include <cstring>
#include <functional>
#include <new>

namespace bciin::chain {

namespace {
constexpr size_t kHeader = 2 * sizeof(uint32_t);
constexpr size_t kMinSlots = 16;
}  // namespace

std::string_view ByteTable::KeyOf(const char* entry) {
  uint32_t key_size;
  std::memcpy(&key_size, entry, sizeof key_size);
  return {entry + kHeader, key_size};
}

std::string_view ByteTable::ValueOf(const char* entry) {
  uint32_t sizes[2];
  std::memcpy(sizes, entry, sizeof sizes);
  return {entry + kHeader + sizes[0], sizes[1]};
}

char* ByteTable::NewEntry(std::string_view key, std::string_view value) {
  char* e = static_cast<char*>(::operator new(kHeader + key.size() + value.size()));
  const uint32_t sizes[2] = {static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())};
  std::memcpy(e, sizes, sizeof sizes);
  if (!key.empty()) std::memcpy(e + kHeader, key.data(), key.size());
  if (!value.empty()) std::memcpy(e + kHeader + key.size(), value.data(), value.size());
  return e;
}

void ByteTable::FreeEntry(char* entry) { ::operator delete(entry); }

uint64_t ByteTable::HashOf(std::string_view key) { return std::hash<std::string_view>()(key); }

ByteTable::ByteTable(const ByteTable& other) : slots_(other.slots_), size_(other.size_) {
  for (Slot& s : slots_)
    if (s.entry) s.entry = NewEntry(KeyOf(s.entry), ValueOf(s.entry));
}

ByteTable::~ByteTable() { Clear(); }

void ByteTable::Clear() {
  for (Slot& s : slots_)
    if (s.entry) FreeEntry(s.entry);
  slots_.clear();
  size_ = 0;
}

size_t ByteTable::Probe(std::string_view key, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.entry || (s.hash == hash && KeyOf(s.entry) == key)) return i;
  }
}

bool ByteTable::Find(std::string_view key, std::string_view* value) const {
  if (size_ == 0) return false;
  const Slot& s = slots_[Probe(key, HashOf(key))];
  if (!s.entry) return false;
  *value = ValueOf(s.entry);
  return true;
}

void ByteTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kMinSlots : 2 * old.size(), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.entry) continue;
    size_t i = s.hash & mask;
    while (slots_[i].entry) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void ByteTable::Put(std::string_view key, std::string_view value) {
  if (2 * (size_ + 1) > slots_.size()) Grow();  // at most half full
  const uint64_t hash = HashOf(key);
  Slot& s = slots_[Probe(key, hash)];
  if (!s.entry) {
    s = {hash, NewEntry(key, value)};
    ++size_;
    return;
  }
  const std::string_view old = ValueOf(s.entry);
  if (old.size() == value.size()) {
    if (!value.empty()) std::memcpy(const_cast<char*>(old.data()), value.data(), value.size());
    return;
  }
  char* replaced = NewEntry(key, value);
  FreeEntry(s.entry);
  s.entry = replaced;
}

bool ByteTable::Erase(std::string_view key) {
  if (size_ == 0) return false;
  const size_t mask = slots_.size() - 1;
  size_t hole = Probe(key, HashOf(key));
  if (!slots_[hole].entry) return false;
  FreeEntry(slots_[hole].entry);
  --size_;
  // Backward shift: move each following entry of the run into the hole when the hole lies
  // between its home slot and where it is (cyclically), so every probe still finds it.
  for (size_t j = (hole + 1) & mask; slots_[j].entry; j = (j + 1) & mask) {
    const size_t home = slots_[j].hash & mask;
    const size_t from_home_to_j = (j - home) & mask;
    const size_t from_home_to_hole = (hole - home) & mask;
    if (from_home_to_hole < from_home_to_j) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Slot{};
  return true;
}

}  // namespace bciin::chain
