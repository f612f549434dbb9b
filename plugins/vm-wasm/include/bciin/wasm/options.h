// Knobs for decoding, validation, translation and execution. The defaults are what a contract gets.
#pragma once

#include <cstdint>

namespace bciin::wasm {

// Features beyond the WebAssembly MVP that are integer-only and deterministic, so they may be
// switched on. Floats, SIMD, threads, bulk memory and reference types are always refused.
struct Features {
  bool sign_extension = true;   // i32.extend8_s and friends (clang emits them)
  bool multi_value = true;      // blocks and functions with several results or block params
  bool mutable_globals = true;  // import and export of mutable globals
};

// Bounds on everything read from a module, so a hostile module cannot exhaust memory at decode.
struct DecodeLimits {
  uint32_t max_module_size = 4u << 20;     // translated code can be a few times larger
  uint32_t max_types = 10000;
  uint32_t max_type_params = 128;   // also bounds validation work per call instruction
  uint32_t max_type_results = 16;   // and per br_table entry
  uint32_t max_imports = 10000;
  uint32_t max_functions = 100000;
  uint32_t max_globals = 10000;
  uint32_t max_exports = 10000;
  uint32_t max_element_segments = 10000;
  uint32_t max_element_entries = 1000000;  // total over all segments
  uint32_t max_data_segments = 10000;
  uint32_t max_function_size = 1u << 20;   // bytes of one body
  uint32_t max_locals = 50000;             // params + locals of one function
  uint32_t max_control_depth = 1024;       // nesting of block/loop/if
  uint32_t max_br_table_size = 65536;
  uint32_t max_operand_height = 65536;     // static operand stack height inside one function
};

struct CompileOptions {
  Features features;
  DecodeLimits limits;
  // Insert gas charges (one per basic block). Off only for measuring the cost of metering.
  bool metering = true;
  // Charge 1 per instruction, whatever the schedule says: turns gas used into an instruction count.
  bool unit_gas = false;
};

// Bounds checked while a module is instantiated and run.
struct RuntimeLimits {
  uint32_t max_memory_pages = 1024;    // 64 MiB
  uint32_t max_table_size = 100000;
  uint32_t max_call_depth = 1024;
  uint32_t max_stack_slots = 1u << 18;  // operand stack + locals, 8 bytes each (2 MiB)
};

}  // namespace bciin::wasm
