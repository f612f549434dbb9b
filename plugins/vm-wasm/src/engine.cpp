#include "bciin/wasm/engine.h"

namespace bciin::wasm {

Engine::Engine(CompileOptions options, size_t cache_capacity) : options_(options), capacity_(cache_capacity) {}

Result<std::shared_ptr<const CompiledModule>> Engine::compile(std::span<const uint8_t> bytes) const {
  return wasm::compile(bytes, options_);
}

std::shared_ptr<const CompiledModule> Engine::lookup(std::string_view code_hash) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(std::string(code_hash));
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

Result<std::shared_ptr<const CompiledModule>> Engine::compile(std::span<const uint8_t> bytes,
                                                              std::string_view code_hash) {
  if (auto cached = lookup(code_hash)) {
    std::lock_guard lock(mutex_);
    ++hits_;
    return cached;
  }
  // Compile outside the lock; two threads may compile the same code once each, which is harmless.
  auto result = wasm::compile(bytes, options_);
  std::lock_guard lock(mutex_);
  ++misses_;
  if (!result.ok() || capacity_ == 0) return result;
  std::string key(code_hash);
  if (auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  lru_.emplace_front(key, result.value());
  index_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return result;
}

size_t Engine::cache_size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}
uint64_t Engine::cache_hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}
uint64_t Engine::cache_misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace bciin::wasm
