// Helpers for the engine's tests: WebAssembly text to binary through wabt's wat2wasm, and a one-call
// "compile, instantiate, invoke" for small modules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/runtime.h"

namespace bciin::wasm::testing {

// Converts WebAssembly text to binary with wat2wasm; fails the current test on error.
std::vector<uint8_t> wat(const std::string& text, const std::string& extra_flags = "");

// A temporary directory removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<uint8_t> read_file(const std::string& path);

// Compiles and instantiates `bytes` in its own store, with `linker` for imports.
struct Loaded {
  std::unique_ptr<Store> store;
  std::shared_ptr<const CompiledModule> module;
  Instance* instance = nullptr;
  Status status;  // of compile or instantiate

  // Calls export `name`; returns its status and stores results.
  Status call(const std::string& name, std::vector<Value> args, std::vector<Value>* results, GasMeter& gas);
  // Calls with unlimited gas; expects success and returns the first result's bits (or 0).
  uint64_t call_ok(const std::string& name, std::vector<Value> args = {});
};

Loaded load(const std::vector<uint8_t>& bytes, const CompileOptions& options = {}, const RuntimeLimits& limits = {},
            const Linker* linker = nullptr);

}  // namespace bciin::wasm::testing
