#include "interpreter.h"

#include <bit>
#include <cstring>
#include <limits>

#include "bciin/wasm/gas_schedule.h"
#include "ops.h"

static_assert(std::endian::native == std::endian::little, "the interpreter assumes a little-endian host");

namespace bciin::wasm {

using internal::Op;

Status Interpreter::call(Store& store, const FuncInstance& function, std::span<const uint64_t> args,
                         std::span<uint64_t> results, GasMeter& gas, void* user_data) {
  const RuntimeLimits& limits = store.limits_;
  if (function.host) {
    if (Status s = gas.charge(kGasPerHostCall); !s.ok()) return s;
    HostContext context(gas, nullptr, user_data);
    return function.host->callable(context, args, results);
  }
  // The store's stacks serve the outermost invocation; a host function re-entering the same store
  // gets fresh ones (rare, and keeps the outer invocation's stack intact).
  if (store.active_ == 0) {
    if (store.stack_.size() != limits.max_stack_slots) store.stack_.assign(limits.max_stack_slots, 0);
    if (store.frames_.size() != limits.max_call_depth) store.frames_.resize(limits.max_call_depth);
    ++store.active_;
    Status s = run(store, store.stack_.data(), store.stack_.size(), store.frames_.data(), function, args, results, gas,
                   user_data);
    --store.active_;
    return s;
  }
  std::vector<uint64_t> stack(limits.max_stack_slots);
  std::vector<CallFrame> frames(limits.max_call_depth);
  ++store.active_;
  Status s = run(store, stack.data(), stack.size(), frames.data(), function, args, results, gas, user_data);
  --store.active_;
  return s;
}

namespace {

inline uint64_t u32v(uint32_t v) { return v; }
inline uint32_t i32(uint64_t slot) { return static_cast<uint32_t>(slot); }
inline int32_t s32(uint64_t slot) { return static_cast<int32_t>(static_cast<uint32_t>(slot)); }
inline int64_t s64(uint64_t slot) { return static_cast<int64_t>(slot); }

}  // namespace

Status Interpreter::run(Store& store, uint64_t* stack, size_t stack_slots, CallFrame* frames,
                        const FuncInstance& entry, std::span<const uint64_t> args, std::span<uint64_t> results,
                        GasMeter& meter, void* user_data) {
  static void* const kLabels[] = {
#define BCIIN_WASM_OP_LABEL(name, imm) &&L_##name,
      BCIIN_WASM_OPS(BCIIN_WASM_OP_LABEL)
#undef BCIIN_WASM_OP_LABEL
  };
  static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == static_cast<size_t>(Op::kCount));

  const uint32_t max_depth = store.limits_.max_call_depth;
  uint64_t* const stack_end = stack + stack_slots;
  uint32_t depth = 0;
  int64_t gas = meter.remaining_;
  ErrorCode trap = ErrorCode::kOk;
  std::string trap_message;

  // Registers of the running function and its instance.
  const CompiledFunction* fn = entry.code;
  Instance* inst = entry.instance;
  const uint32_t* code = fn->code.data();
  const uint32_t* pc = code;
  uint64_t* fp = stack;
  uint64_t* sp = stack;
  uint8_t* mem = nullptr;
  uint64_t mem_size = 0;
  Global* const* globals = nullptr;
  const FuncInstance* const* funcs = nullptr;
  const FuncInstance* callee = nullptr;

#define LOAD_INSTANCE()                                            \
  do {                                                             \
    mem = inst->memory_ ? inst->memory_->data() : nullptr;         \
    mem_size = inst->memory_ ? inst->memory_->size() : 0;          \
    globals = inst->globals_.data();                               \
    funcs = inst->functions_.data();                               \
  } while (0)
#define NEXT() goto* kLabels[*pc]
#define TRAP(code_)  \
  do {               \
    trap = (code_);  \
    goto L_trap;     \
  } while (0)

  // Enter the entry function: arguments, zeroed locals, stack check.
  if (args.size() + fn->num_locals + fn->max_height > stack_slots) {
    meter.remaining_ = gas;
    return Status(ErrorCode::kTrapOperandStackExhausted, "operand stack exhausted");
  }
  for (size_t i = 0; i < args.size(); ++i) *sp++ = args[i];
  for (uint32_t i = 0; i < fn->num_locals; ++i) *sp++ = 0;
  LOAD_INSTANCE();
  frames[0] = CallFrame{nullptr, nullptr, nullptr, nullptr};
  NEXT();

L_Unreachable:
  TRAP(ErrorCode::kTrapUnreachable);
L_Gas:
  gas -= pc[1];
  if (gas < 0) {
    gas = 0;
    TRAP(ErrorCode::kTrapOutOfGas);
  }
  pc += 2;
  NEXT();
L_Jump:
  pc = code + pc[1];
  NEXT();
L_JumpIfZero:
  pc = i32(*--sp) ? pc + 2 : code + pc[1];
  NEXT();
L_BrIf:
  pc = i32(*--sp) ? code + pc[1] : pc + 2;
  NEXT();
L_JumpGas:
  gas -= pc[2];
  if (gas < 0) {
    gas = 0;
    TRAP(ErrorCode::kTrapOutOfGas);
  }
  pc = code + pc[1];
  NEXT();
L_JumpIfZeroGas: {
  uint32_t taken = i32(*--sp) == 0;
  gas -= pc[taken ? 2 : 3];
  if (gas < 0) {
    gas = 0;
    TRAP(ErrorCode::kTrapOutOfGas);
  }
  pc = taken ? code + pc[1] : pc + 4;
  NEXT();
}
L_BrIfGas:
  if (i32(*--sp)) {
    gas -= pc[2];
    if (gas < 0) {
      gas = 0;
      TRAP(ErrorCode::kTrapOutOfGas);
    }
    pc = code + pc[1];
  } else {
    pc += 3;
  }
  NEXT();
#define CMP_BRANCH(name, cond)            \
  L_##name : {                            \
    uint64_t b = sp[-1], a = sp[-2];      \
    sp -= 2;                              \
    if (cond) {                           \
      gas -= pc[2];                       \
      if (gas < 0) {                      \
        gas = 0;                          \
        TRAP(ErrorCode::kTrapOutOfGas);   \
      }                                   \
      pc = code + pc[1];                  \
    } else {                              \
      pc += 3;                            \
    }                                     \
    NEXT();                               \
  }
L_BrIfEqz:
  if (i32(*--sp) == 0) {
    gas -= pc[2];
    if (gas < 0) {
      gas = 0;
      TRAP(ErrorCode::kTrapOutOfGas);
    }
    pc = code + pc[1];
  } else {
    pc += 3;
  }
  NEXT();
  CMP_BRANCH(I32EqBrIf, i32(a) == i32(b))
  CMP_BRANCH(I32NeBrIf, i32(a) != i32(b))
  CMP_BRANCH(I32LtSBrIf, s32(a) < s32(b))
  CMP_BRANCH(I32LtUBrIf, i32(a) < i32(b))
  CMP_BRANCH(I32GtSBrIf, s32(a) > s32(b))
  CMP_BRANCH(I32GtUBrIf, i32(a) > i32(b))
  CMP_BRANCH(I32LeSBrIf, s32(a) <= s32(b))
  CMP_BRANCH(I32LeUBrIf, i32(a) <= i32(b))
  CMP_BRANCH(I32GeSBrIf, s32(a) >= s32(b))
  CMP_BRANCH(I32GeUBrIf, i32(a) >= i32(b))
#undef CMP_BRANCH
L_Br: {
  uint32_t drop = pc[2], keep = pc[3];
  std::memmove(sp - keep - drop, sp - keep, keep * sizeof(uint64_t));
  sp -= drop;
  pc = code + pc[1];
  NEXT();
}
L_BrIfDropKeep:
  if (i32(*--sp)) {
    uint32_t drop = pc[2], keep = pc[3];
    std::memmove(sp - keep - drop, sp - keep, keep * sizeof(uint64_t));
    sp -= drop;
    pc = code + pc[1];
  } else {
    pc += 4;
  }
  NEXT();
L_BrTable: {
  uint32_t count = pc[1], keep = pc[2];
  uint32_t index = i32(*--sp);
  if (index > count) index = count;
  const uint32_t* entry = pc + 3 + 2 * index;
  uint32_t drop = entry[1];
  if (drop) {
    std::memmove(sp - keep - drop, sp - keep, keep * sizeof(uint64_t));
    sp -= drop;
  }
  pc = code + entry[0];
  NEXT();
}
L_Return: {
  uint32_t n = pc[1];
  std::memmove(fp, sp - n, n * sizeof(uint64_t));
  sp = fp + n;
  if (depth == 0) goto L_done;
  const CallFrame& f = frames[depth--];
  pc = f.return_pc;
  fp = f.fp;
  fn = f.function;
  code = fn->code.data();
  inst = f.instance;
  LOAD_INSTANCE();  // the callee may have grown memory, or belonged to another instance
  NEXT();
}
L_Call:
  callee = funcs[pc[1]];
  pc += 2;
  goto L_do_call;
L_CallIndirect: {
  const FuncType& expected = inst->compiled_->module.types[pc[1]];
  uint32_t index = i32(*--sp);
  pc += 2;
  Table* table = inst->table_;
  if (index >= table->size()) TRAP(ErrorCode::kTrapUndefinedElement);
  callee = table->elements()[index];
  if (!callee) TRAP(ErrorCode::kTrapUninitializedElement);
  if (callee->type != &expected && *callee->type != expected) TRAP(ErrorCode::kTrapIndirectCallTypeMismatch);
  goto L_do_call;
}
L_do_call: {
  if (callee->host) {
    const FuncType& type = *callee->type;
    size_t np = type.params.size(), nr = type.results.size();
    uint64_t* base = sp - np;
    uint64_t small[8];
    std::vector<uint64_t> large;
    uint64_t* out = small;
    if (nr > 8) {
      large.resize(nr);
      out = large.data();
    }
    meter.remaining_ = gas;
    Status s = meter.charge(kGasPerHostCall);
    if (s.ok()) {
      HostContext context(meter, inst, user_data);
      s = callee->host->callable(context, std::span<const uint64_t>(base, np), std::span<uint64_t>(out, nr));
    }
    gas = meter.remaining_;
    if (!s.ok()) {
      trap = s.is_trap() ? s.code() : ErrorCode::kTrapHost;
      trap_message = s.message();
      goto L_trap;
    }
    std::memcpy(base, out, nr * sizeof(uint64_t));
    sp = base + nr;
    LOAD_INSTANCE();  // the host may have grown memory
    NEXT();
  }
  const CompiledFunction* target = callee->code;
  if (depth + 1 >= max_depth) TRAP(ErrorCode::kTrapCallStackExhausted);
  uint64_t* new_fp = sp - target->num_params;
  if (static_cast<size_t>(stack_end - sp) < size_t{target->num_locals} + target->max_height) {
    TRAP(ErrorCode::kTrapCallStackExhausted);  // the spec names operand stack overflow this way too
  }
  frames[++depth] = CallFrame{pc, fp, fn, inst};
  fp = new_fp;
  for (uint32_t i = 0; i < target->num_locals; ++i) *sp++ = 0;
  fn = target;
  code = fn->code.data();
  pc = code + fn->entry_pc;
  gas -= fn->entry_cost;
  if (gas < 0) {
    gas = 0;
    TRAP(ErrorCode::kTrapOutOfGas);
  }
  if (callee->instance != inst) {
    inst = callee->instance;
    LOAD_INSTANCE();
  }
  NEXT();
}
L_Drop:
  --sp;
  pc += 1;
  NEXT();
L_Select: {
  uint32_t c = i32(sp[-1]);
  sp -= 2;
  if (!c) sp[-1] = sp[0];
  pc += 1;
  NEXT();
}
L_LocalGet:
  *sp++ = fp[pc[1]];
  pc += 2;
  NEXT();
L_LocalSet:
  fp[pc[1]] = *--sp;
  pc += 2;
  NEXT();
L_LocalTee:
  fp[pc[1]] = sp[-1];
  pc += 2;
  NEXT();
L_LocalGet2:
  sp[0] = fp[pc[1]];
  sp[1] = fp[pc[2]];
  sp += 2;
  pc += 3;
  NEXT();
L_LocalSetGet:
  fp[pc[1]] = sp[-1];
  sp[-1] = fp[pc[2]];
  pc += 3;
  NEXT();
L_LocalGetI32Add:
  sp[-1] = u32v(i32(sp[-1]) + i32(fp[pc[1]]));
  pc += 2;
  NEXT();
L_I32AddConst:
  sp[-1] = u32v(i32(sp[-1]) + pc[1]);
  pc += 2;
  NEXT();
L_GlobalGet:
  *sp++ = globals[pc[1]]->value;
  pc += 2;
  NEXT();
L_GlobalSet:
  globals[pc[1]]->value = *--sp;
  pc += 2;
  NEXT();

#define LOAD_OP(name, T, expr)                                         \
  L_##name : {                                                         \
    uint64_t ea = uint64_t{i32(sp[-1])} + pc[1];                       \
    if (ea + sizeof(T) > mem_size) TRAP(ErrorCode::kTrapMemoryOutOfBounds); \
    T v;                                                               \
    std::memcpy(&v, mem + ea, sizeof(T));                              \
    sp[-1] = (expr);                                                   \
    pc += 2;                                                           \
    NEXT();                                                            \
  }
  LOAD_OP(I32Load, uint32_t, u32v(v))
  LOAD_OP(I64Load, uint64_t, v)
  LOAD_OP(I32Load8S, int8_t, u32v(static_cast<uint32_t>(static_cast<int32_t>(v))))
  LOAD_OP(I32Load8U, uint8_t, u32v(v))
  LOAD_OP(I32Load16S, int16_t, u32v(static_cast<uint32_t>(static_cast<int32_t>(v))))
  LOAD_OP(I32Load16U, uint16_t, u32v(v))
  LOAD_OP(I64Load8S, int8_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_OP(I64Load8U, uint8_t, uint64_t{v})
  LOAD_OP(I64Load16S, int16_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_OP(I64Load16U, uint16_t, uint64_t{v})
  LOAD_OP(I64Load32S, int32_t, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_OP(I64Load32U, uint32_t, uint64_t{v})
#undef LOAD_OP

#define STORE_OP(name, T)                                              \
  L_##name : {                                                         \
    uint64_t ea = uint64_t{i32(sp[-2])} + pc[1];                       \
    if (ea + sizeof(T) > mem_size) TRAP(ErrorCode::kTrapMemoryOutOfBounds); \
    T v = static_cast<T>(sp[-1]);                                      \
    std::memcpy(mem + ea, &v, sizeof(T));                              \
    sp -= 2;                                                           \
    pc += 2;                                                           \
    NEXT();                                                            \
  }
  STORE_OP(I32Store, uint32_t)
  STORE_OP(I64Store, uint64_t)
  STORE_OP(I32Store8, uint8_t)
  STORE_OP(I32Store16, uint16_t)
  STORE_OP(I64Store8, uint8_t)
  STORE_OP(I64Store16, uint16_t)
  STORE_OP(I64Store32, uint32_t)
#undef STORE_OP

L_MemorySize:
  *sp++ = inst->memory_->pages();
  pc += 1;
  NEXT();
L_MemoryGrow: {
  Memory* memory = inst->memory_;
  uint32_t delta = i32(sp[-1]);
  int64_t result = -1;
  if (memory->can_grow(delta)) {
    if (inst->compiled_->metered) {
      uint64_t cost = uint64_t{delta} * kGasPerMemoryPage;
      if (static_cast<uint64_t>(gas) < cost) {
        gas = 0;
        TRAP(ErrorCode::kTrapOutOfGas);
      }
      gas -= static_cast<int64_t>(cost);
    }
    result = memory->grow(delta);
    LOAD_INSTANCE();
  }
  sp[-1] = u32v(static_cast<uint32_t>(result));
  pc += 1;
  NEXT();
}
L_I32Const:
  *sp++ = pc[1];
  pc += 2;
  NEXT();
L_I64Const:
  *sp++ = uint64_t{pc[1]} | (uint64_t{pc[2]} << 32);
  pc += 3;
  NEXT();

#define UNARY(name, expr) \
  L_##name : {            \
    uint64_t a = sp[-1];  \
    sp[-1] = (expr);      \
    pc += 1;              \
    NEXT();               \
  }
#define BINARY(name, expr)  \
  L_##name : {              \
    uint64_t b = sp[-1];    \
    uint64_t a = sp[-2];    \
    --sp;                   \
    sp[-1] = (expr);        \
    pc += 1;                \
    NEXT();                 \
  }
  UNARY(I32Eqz, i32(a) == 0)
  BINARY(I32Eq, i32(a) == i32(b))
  BINARY(I32Ne, i32(a) != i32(b))
  BINARY(I32LtS, s32(a) < s32(b))
  BINARY(I32LtU, i32(a) < i32(b))
  BINARY(I32GtS, s32(a) > s32(b))
  BINARY(I32GtU, i32(a) > i32(b))
  BINARY(I32LeS, s32(a) <= s32(b))
  BINARY(I32LeU, i32(a) <= i32(b))
  BINARY(I32GeS, s32(a) >= s32(b))
  BINARY(I32GeU, i32(a) >= i32(b))
  UNARY(I64Eqz, a == 0)
  BINARY(I64Eq, a == b)
  BINARY(I64Ne, a != b)
  BINARY(I64LtS, s64(a) < s64(b))
  BINARY(I64LtU, a < b)
  BINARY(I64GtS, s64(a) > s64(b))
  BINARY(I64GtU, a > b)
  BINARY(I64LeS, s64(a) <= s64(b))
  BINARY(I64LeU, a <= b)
  BINARY(I64GeS, s64(a) >= s64(b))
  BINARY(I64GeU, a >= b)
  UNARY(I32Clz, u32v(static_cast<uint32_t>(std::countl_zero(i32(a)))))
  UNARY(I32Ctz, u32v(static_cast<uint32_t>(std::countr_zero(i32(a)))))
  UNARY(I32Popcnt, u32v(static_cast<uint32_t>(std::popcount(i32(a)))))
  BINARY(I32Add, u32v(i32(a) + i32(b)))
  BINARY(I32Sub, u32v(i32(a) - i32(b)))
  BINARY(I32Mul, u32v(i32(a) * i32(b)))
  BINARY(I32And, u32v(i32(a) & i32(b)))
  BINARY(I32Or, u32v(i32(a) | i32(b)))
  BINARY(I32Xor, u32v(i32(a) ^ i32(b)))
  BINARY(I32Shl, u32v(i32(a) << (i32(b) & 31)))
  BINARY(I32ShrS, u32v(static_cast<uint32_t>(s32(a) >> (i32(b) & 31))))
  BINARY(I32ShrU, u32v(i32(a) >> (i32(b) & 31)))
  BINARY(I32Rotl, u32v(std::rotl(i32(a), static_cast<int>(i32(b) & 31))))
  BINARY(I32Rotr, u32v(std::rotr(i32(a), static_cast<int>(i32(b) & 31))))
  UNARY(I64Clz, static_cast<uint64_t>(std::countl_zero(a)))
  UNARY(I64Ctz, static_cast<uint64_t>(std::countr_zero(a)))
  UNARY(I64Popcnt, static_cast<uint64_t>(std::popcount(a)))
  BINARY(I64Add, a + b)
  BINARY(I64Sub, a - b)
  BINARY(I64Mul, a * b)
  BINARY(I64And, a & b)
  BINARY(I64Or, a | b)
  BINARY(I64Xor, a ^ b)
  BINARY(I64Shl, a << (b & 63))
  BINARY(I64ShrS, static_cast<uint64_t>(s64(a) >> (b & 63)))
  BINARY(I64ShrU, a >> (b & 63))
  BINARY(I64Rotl, std::rotl(a, static_cast<int>(b & 63)))
  BINARY(I64Rotr, std::rotr(a, static_cast<int>(b & 63)))
  UNARY(I32WrapI64, u32v(i32(a)))
  UNARY(I64ExtendI32S, static_cast<uint64_t>(static_cast<int64_t>(s32(a))))
  UNARY(I64ExtendI32U, uint64_t{i32(a)})
  UNARY(I32Extend8S, u32v(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a)))))
  UNARY(I32Extend16S, u32v(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a)))))
  UNARY(I64Extend8S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))))
  UNARY(I64Extend16S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))))
  UNARY(I64Extend32S, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))))
#undef UNARY
#undef BINARY

L_I32DivS: {
  int32_t b = s32(sp[-1]), a = s32(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  if (a == std::numeric_limits<int32_t>::min() && b == -1) TRAP(ErrorCode::kTrapIntegerOverflow);
  --sp;
  sp[-1] = u32v(static_cast<uint32_t>(a / b));
  pc += 1;
  NEXT();
}
L_I32DivU: {
  uint32_t b = i32(sp[-1]), a = i32(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = u32v(a / b);
  pc += 1;
  NEXT();
}
L_I32RemS: {
  int32_t b = s32(sp[-1]), a = s32(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = u32v(b == -1 ? 0u : static_cast<uint32_t>(a % b));
  pc += 1;
  NEXT();
}
L_I32RemU: {
  uint32_t b = i32(sp[-1]), a = i32(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = u32v(a % b);
  pc += 1;
  NEXT();
}
L_I64DivS: {
  int64_t b = s64(sp[-1]), a = s64(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  if (a == std::numeric_limits<int64_t>::min() && b == -1) TRAP(ErrorCode::kTrapIntegerOverflow);
  --sp;
  sp[-1] = static_cast<uint64_t>(a / b);
  pc += 1;
  NEXT();
}
L_I64DivU: {
  uint64_t b = sp[-1], a = sp[-2];
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = a / b;
  pc += 1;
  NEXT();
}
L_I64RemS: {
  int64_t b = s64(sp[-1]), a = s64(sp[-2]);
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = b == -1 ? 0 : static_cast<uint64_t>(a % b);
  pc += 1;
  NEXT();
}
L_I64RemU: {
  uint64_t b = sp[-1], a = sp[-2];
  if (b == 0) TRAP(ErrorCode::kTrapDivideByZero);
  --sp;
  sp[-1] = a % b;
  pc += 1;
  NEXT();
}

L_done:
  meter.remaining_ = gas;
  for (size_t i = 0; i < results.size(); ++i) results[i] = stack[i];
  return Status::Ok();

L_trap:
  meter.remaining_ = gas;
  if (trap_message.empty()) trap_message = std::string(error_code_name(trap));
  return Status(trap, std::move(trap_message));

#undef NEXT
#undef TRAP
#undef LOAD_INSTANCE
}

}  // namespace bciin::wasm
