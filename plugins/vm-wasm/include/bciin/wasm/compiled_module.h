// Compilation: decode, validate and translate a module once into a CompiledModule, an immutable
// form that many instances (on many threads) can share and that can be cached by code hash.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "bciin/wasm/module.h"
#include "bciin/wasm/options.h"
#include "bciin/wasm/status.h"

namespace bciin::wasm {

// One defined function in internal form. The code format is private to the engine (src/ops.h).
struct CompiledFunction {
  uint32_t type_index = 0;
  uint32_t num_params = 0;
  uint32_t num_locals = 0;   // declared locals, after the params
  uint32_t num_results = 0;
  uint32_t max_height = 0;   // the most operand stack slots the body ever uses
  uint32_t entry_pc = 0;     // where calls start: past the entry Gas instruction when metered
  uint32_t entry_cost = 0;   // the entry block's gas, paid by the call
  std::vector<uint32_t> code;
};

struct CompiledModule {
  Module module;
  std::vector<CompiledFunction> functions;  // defined functions, in module order
  bool metered = true;
  uint64_t code_words = 0;  // total size of the translated code, for diagnostics

  // Index of the export `name` of `kind`, or -1.
  int64_t find_export(std::string_view name, ExternKind kind) const;
};

// Decodes, validates and translates `bytes`. Errors: kMalformed, kInvalid, kUnsupported or
// kLimitExceeded, with the byte offset of the problem.
Result<std::shared_ptr<const CompiledModule>> compile(std::span<const uint8_t> bytes,
                                                      const CompileOptions& options = {});

// Validation only (what compile() does before translation, without keeping the result).
Status validate(std::span<const uint8_t> bytes, const CompileOptions& options = {});

}  // namespace bciin::wasm
