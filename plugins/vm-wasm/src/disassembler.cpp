#include "disassembler.h"

#include <fmt/format.h>

#include "ops.h"

namespace bciin::wasm::internal {

std::string disassemble(const CompiledFunction& function) {
  static const char* const kNames[] = {
#define BCIIN_WASM_OP_NAME(name, imm) #name,
      BCIIN_WASM_OPS(BCIIN_WASM_OP_NAME)
#undef BCIIN_WASM_OP_NAME
  };
  std::string out = fmt::format("; params {} locals {} results {} max_height {} entry_pc {} entry_cost {}\n",
                                function.num_params, function.num_locals, function.num_results, function.max_height,
                                function.entry_pc, function.entry_cost);
  const auto& code = function.code;
  size_t pc = 0;
  while (pc < code.size()) {
    uint32_t op = code[pc];
    if (op >= static_cast<uint32_t>(Op::kCount)) {
      out += fmt::format("{:5}: <bad op {}>\n", pc, op);
      break;
    }
    size_t n = kOpImmediates[op];
    if (op == static_cast<uint32_t>(Op::kBrTable) && pc + 1 < code.size()) n += 2 * (code[pc + 1] + 1);
    out += fmt::format("{:5}: {}", pc, kNames[op]);
    for (size_t i = 1; i <= n && pc + i < code.size(); ++i) out += fmt::format(" {}", code[pc + i]);
    out += "\n";
    pc += 1 + n;
  }
  return out;
}

}  // namespace bciin::wasm::internal
