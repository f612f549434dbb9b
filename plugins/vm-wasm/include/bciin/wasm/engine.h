// The engine: compiles modules with fixed options and caches the results by code hash, so a
// contract is decoded, validated and translated once and then instantiated many times.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bciin/wasm/compiled_module.h"

namespace bciin::wasm {

class Engine {
 public:
  // `cache_capacity` compiled modules are kept, least recently used evicted first.
  explicit Engine(CompileOptions options = {}, size_t cache_capacity = 64);

  const CompileOptions& options() const { return options_; }

  // Returns the compiled module cached under `code_hash`, or compiles `bytes` and caches it.
  // The caller vouches that `code_hash` is a collision-resistant hash of `bytes` (the chain uses
  // the contract's code hash). Failures are not cached. Thread-safe.
  Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> bytes, std::string_view code_hash);

  // Compiles without touching the cache.
  Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> bytes) const;

  // The cached module for `code_hash`, or nullptr.
  std::shared_ptr<const CompiledModule> lookup(std::string_view code_hash);

  size_t cache_size() const;
  uint64_t cache_hits() const;
  uint64_t cache_misses() const;

 private:
  using LruList = std::list<std::pair<std::string, std::shared_ptr<const CompiledModule>>>;

  CompileOptions options_;
  size_t capacity_;
  mutable std::mutex mutex_;
  LruList lru_;  // most recently used first
  std::unordered_map<std::string, LruList::iterator> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace bciin::wasm
