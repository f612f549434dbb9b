// Validates one function body with the spec's operand-stack algorithm and, in the same pass,
// translates it into the internal code of ops.h.
#pragma once

#include "bciin/wasm/compiled_module.h"

namespace bciin::wasm::internal {

// Throws DecodeFailure on a malformed, invalid or unsupported body.
void compile_function(const Module& module, const CompileOptions& options, uint32_t defined_index,
                      CompiledFunction* out);

}  // namespace bciin::wasm::internal
