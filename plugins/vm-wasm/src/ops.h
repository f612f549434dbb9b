// The internal instruction set that validated functions are translated into. Code is a flat array
// of 32-bit words: an opcode followed by its immediates. Branch targets are word indices into the
// same array, stack adjustments (drop/keep) are precomputed, and gas is charged once per basic
// block by a Gas instruction carrying the block's total cost.
#pragma once

#include <cstdint>

namespace bciin::wasm::internal {

// X(name, immediate words)
#define BCIIN_WASM_OPS(X)                                                                             \
  X(Unreachable, 0)                                                                                  \
  X(Gas, 1)         /* cost */                                                                       \
  X(Jump, 1)        /* target */                                                                     \
  X(JumpIfZero, 1)  /* target: pops i32 */                                                           \
  X(BrIf, 1)        /* target: pops i32, no stack adjustment */                                      \
  X(Br, 3)          /* target, drop, keep */                                                         \
  X(BrIfDropKeep, 3)/* target, drop, keep */                                                         \
  X(BrTable, 2)     /* count, keep; then (target, drop) x (count + 1) */                             \
  X(Return, 1)      /* result count */                                                               \
  X(Call, 1)        /* function index */                                                             \
  X(CallIndirect, 1)/* type index */                                                                 \
  X(Drop, 0)                                                                                         \
  X(Select, 0)                                                                                       \
  X(LocalGet, 1)                                                                                     \
  X(LocalSet, 1)                                                                                     \
  X(LocalTee, 1)                                                                                     \
  X(GlobalGet, 1)                                                                                    \
  X(GlobalSet, 1)                                                                                    \
  X(I32Load, 1) X(I64Load, 1) X(I32Load8S, 1) X(I32Load8U, 1) X(I32Load16S, 1) X(I32Load16U, 1)      \
  X(I64Load8S, 1) X(I64Load8U, 1) X(I64Load16S, 1) X(I64Load16U, 1) X(I64Load32S, 1)                 \
  X(I64Load32U, 1)                                                                                   \
  X(I32Store, 1) X(I64Store, 1) X(I32Store8, 1) X(I32Store16, 1) X(I64Store8, 1) X(I64Store16, 1)    \
  X(I64Store32, 1)                                                                                   \
  X(MemorySize, 0)                                                                                   \
  X(MemoryGrow, 0)                                                                                   \
  X(I32Const, 1)                                                                                     \
  X(I64Const, 2)    /* low word, high word */                                                        \
  X(I32Eqz, 0) X(I32Eq, 0) X(I32Ne, 0) X(I32LtS, 0) X(I32LtU, 0) X(I32GtS, 0) X(I32GtU, 0)            \
  X(I32LeS, 0) X(I32LeU, 0) X(I32GeS, 0) X(I32GeU, 0)                                                \
  X(I64Eqz, 0) X(I64Eq, 0) X(I64Ne, 0) X(I64LtS, 0) X(I64LtU, 0) X(I64GtS, 0) X(I64GtU, 0)            \
  X(I64LeS, 0) X(I64LeU, 0) X(I64GeS, 0) X(I64GeU, 0)                                                \
  X(I32Clz, 0) X(I32Ctz, 0) X(I32Popcnt, 0) X(I32Add, 0) X(I32Sub, 0) X(I32Mul, 0) X(I32DivS, 0)     \
  X(I32DivU, 0) X(I32RemS, 0) X(I32RemU, 0) X(I32And, 0) X(I32Or, 0) X(I32Xor, 0) X(I32Shl, 0)       \
  X(I32ShrS, 0) X(I32ShrU, 0) X(I32Rotl, 0) X(I32Rotr, 0)                                            \
  X(I64Clz, 0) X(I64Ctz, 0) X(I64Popcnt, 0) X(I64Add, 0) X(I64Sub, 0) X(I64Mul, 0) X(I64DivS, 0)     \
  X(I64DivU, 0) X(I64RemS, 0) X(I64RemU, 0) X(I64And, 0) X(I64Or, 0) X(I64Xor, 0) X(I64Shl, 0)       \
  X(I64ShrS, 0) X(I64ShrU, 0) X(I64Rotl, 0) X(I64Rotr, 0)                                            \
  X(I32WrapI64, 0) X(I64ExtendI32S, 0) X(I64ExtendI32U, 0)                                           \
  X(I32Extend8S, 0) X(I32Extend16S, 0) X(I64Extend8S, 0) X(I64Extend16S, 0) X(I64Extend32S, 0)       \
  /* Fused forms produced by the translator's peephole pass. */                                      \
  X(LocalGetI32Add, 1)    /* local; top = top + local */                                             \
  X(I32AddConst, 1)       /* imm */                                                                  \
  X(LocalGet2, 2)         /* push local a, then local b */                                           \
  X(LocalSetGet, 2)       /* local.set a; local.get b */                                             \
  /* Branches that also charge gas when taken: loop back-edges carry the loop header's cost. */      \
  X(JumpGas, 2)           /* target, cost */                                                         \
  X(JumpIfZeroGas, 3)     /* target, cost when jumping, cost when falling through: pops i32 */       \
  X(BrIfGas, 2)           /* target, cost: pops i32 */                                               \
  /* Compare-and-branch: pop the operands, branch (charging cost) when the comparison holds. */     \
  X(BrIfEqz, 2) X(I32EqBrIf, 2) X(I32NeBrIf, 2) X(I32LtSBrIf, 2) X(I32LtUBrIf, 2) X(I32GtSBrIf, 2)   \
  X(I32GtUBrIf, 2) X(I32LeSBrIf, 2) X(I32LeUBrIf, 2) X(I32GeSBrIf, 2) X(I32GeUBrIf, 2)

enum class Op : uint32_t {
#define BCIIN_WASM_OP_ENUM(name, imm) k##name,
  BCIIN_WASM_OPS(BCIIN_WASM_OP_ENUM)
#undef BCIIN_WASM_OP_ENUM
      kCount
};

inline constexpr uint8_t kOpImmediates[] = {
#define BCIIN_WASM_OP_IMM(name, imm) imm,
    BCIIN_WASM_OPS(BCIIN_WASM_OP_IMM)
#undef BCIIN_WASM_OP_IMM
};

}  // namespace bciin::wasm::internal
