// The deterministic gas schedule. Costs are per WebAssembly instruction, summed per basic block at
// translation time and charged when the block is entered. docs/vm.md explains the figures.
#pragma once

#include <cstdint>

namespace bciin::wasm {

inline constexpr uint64_t kGasPerMemoryPage = 1000;    // memory.grow, and initial pages at instantiation
inline constexpr uint64_t kGasPerHostCall = 10;        // on top of what the host function charges
inline constexpr uint64_t kGasPerDataByte8 = 1;        // per 8 bytes of data segments, at instantiation
inline constexpr uint64_t kGasPerTableElement = 1;     // per table slot, at instantiation
inline constexpr uint64_t kGasPerLocal = 1;            // per declared local, on every function entry

// Static cost of one instruction, by its first opcode byte.
constexpr uint32_t instruction_gas(uint8_t opcode) {
  switch (opcode) {
    case 0x01:  // nop
    case 0x02:  // block
    case 0x03:  // loop
    case 0x05:  // else
    case 0x0B:  // end
      return 0;
    case 0x0E: return 2;   // br_table
    case 0x10: return 10;  // call
    case 0x11: return 12;  // call_indirect
    case 0x40: return 10;  // memory.grow, plus kGasPerMemoryPage per page grown
    case 0x6C: case 0x7E: return 2;  // mul
    case 0x6D: case 0x6E: case 0x6F: case 0x70:  // i32 div/rem
    case 0x7F: case 0x80: case 0x81: case 0x82:  // i64 div/rem
      return 4;
    default:
      if (opcode >= 0x28 && opcode <= 0x3E) return 2;  // loads and stores
      return 1;
  }
}

}  // namespace bciin::wasm
