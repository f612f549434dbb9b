// A readable listing of translated code, for debugging the translator and for docs/vm.md.
#pragma once

#include <string>

#include "bciin/wasm/compiled_module.h"

namespace bciin::wasm::internal {

std::string disassemble(const CompiledFunction& function);

}  // namespace bciin::wasm::internal
