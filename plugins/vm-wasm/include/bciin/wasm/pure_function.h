// Pure-function mode: run an exported function on (state, input) and get the new state, with no
// access to anything but the module's own memory (and, optionally, a restricted set of host
// functions). For state channels, which must replay the same transition on every party.
//
// Calling convention (docs/vm.md):
//   the module exports its memory as "memory" and a function `alloc(size: i32) -> i32` returning
//   the address of `size` writable bytes; the transition function has type
//   `(state_ptr: i32, state_len: i32, input_ptr: i32, input_len: i32) -> i64` and returns the new
//   state's location packed as (ptr << 32) | len.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "bciin/wasm/runtime.h"

namespace bciin::wasm {

struct PureCallOptions {
  uint64_t gas_limit = 10'000'000;
  RuntimeLimits limits;
  // Host functions the module may import; nullptr means no imports at all.
  const HostFunctionRegistry* allowed_hosts = nullptr;
  void* user_data = nullptr;  // passed to those host functions
};

struct PureCallResult {
  Status status;
  std::vector<uint8_t> new_state;  // valid when status is ok
  uint64_t gas_used = 0;
};

// Instantiates `module` in a fresh store and runs `function` on `state` and `input`. Deterministic:
// the same module, function, state, input and options give the same result on every machine.
PureCallResult run_pure_function(std::shared_ptr<const CompiledModule> module, std::string_view function,
                                 std::span<const uint8_t> state, std::span<const uint8_t> input,
                                 const PureCallOptions& options = {});

}  // namespace bciin::wasm
