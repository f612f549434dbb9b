#include "node_cache.h"

#include <algorithm>
#include <cstring>

namespace bciin::chain {

namespace {
constexpr size_t kMinSlots = 1024;
// Slots made up front, for up to 2^17 nodes (12 MiB): a fresh node does not grow the array
// block after block while the cache fills.
constexpr size_t kInitialNodes = size_t{1} << 17;

size_t Home(const Hash& hash, size_t mask) {
  uint64_t v;
  std::memcpy(&v, hash.data(), sizeof v);
  return static_cast<size_t>(v) & mask;
}
}  // namespace

size_t NodeCache::Probe(const Hash& hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = Home(hash, mask);; i = (i + 1) & mask)
    if (!slots_[i].node || slots_[i].hash == hash) return i;
}

void NodeCache::Prefetch(const Hash& hash) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[Home(hash, slots_.size() - 1)]);
}

bool NodeCache::Get(const Hash& hash, NodeRef* node) const {
  if (size_ == 0) return false;
  const Slot& s = slots_[Probe(hash)];
  if (!s.node) return false;
  *node = s.node;
  return true;
}

NodeCache::NodeCache(size_t limit) : limit_(limit) {
  size_t slots = kMinSlots;
  while (slots < 2 * std::min(limit, kInitialNodes)) slots *= 2;
  if (limit > 0) slots_.resize(slots);
}

void NodeCache::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_ = std::vector<Slot>(old.empty() ? kMinSlots : 2 * old.size());
  const size_t mask = slots_.size() - 1;
  for (Slot& s : old) {
    if (!s.node) continue;
    size_t i = Home(s.hash, mask);
    while (slots_[i].node) i = (i + 1) & mask;
    slots_[i] = std::move(s);
  }
}

void NodeCache::Put(const Hash& hash, NodeRef node) {
  if (!node || limit_ == 0) return;
  if (size_ >= limit_) {  // full: start again (keeps the array)
    for (Slot& s : slots_) s.node.reset();
    size_ = 0;
  }
  if (2 * (size_ + 1) > slots_.size()) Grow();  // at most half full
  Slot& s = slots_[Probe(hash)];
  if (s.node) return;
  s.hash = hash;
  s.node = std::move(node);
  ++size_;
}

}  // namespace bciin::chain
