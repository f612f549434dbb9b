// The interpreter: runs translated code (ops.h) with gas charged per basic block, bounds-checked
// memory, and limits on operand stack and call depth.
#pragma once

#include <span>

#include "bciin/wasm/runtime.h"

namespace bciin::wasm {

struct CallFrame {
  const uint32_t* return_pc;
  uint64_t* fp;
  const CompiledFunction* function;
  Instance* instance;
};

class Interpreter {
 public:
  // Runs `function` with raw argument slots `args`; writes raw result slots to `results` (sized to
  // the function's result count). The arguments must match the function's type.
  static Status call(Store& store, const FuncInstance& function, std::span<const uint64_t> args,
                     std::span<uint64_t> results, GasMeter& gas, void* user_data);

 private:
  static Status run(Store& store, uint64_t* stack, size_t stack_slots, CallFrame* frames, const FuncInstance& function,
                    std::span<const uint64_t> args, std::span<uint64_t> results, GasMeter& gas, void* user_data);
};

}  // namespace bciin::wasm
