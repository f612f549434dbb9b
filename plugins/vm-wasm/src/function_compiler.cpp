#include "function_compiler.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "bciin/wasm/gas_schedule.h"
#include "ops.h"
#include "reader.h"

namespace bciin::wasm::internal {
namespace {

// Type-stack entries: a ValueType byte, or kUnknown for the polymorphic stack of unreachable code.
using VT = uint8_t;
constexpr VT kUnknown = 0;
constexpr VT kI32 = static_cast<VT>(ValueType::kI32);
constexpr VT kI64 = static_cast<VT>(ValueType::kI64);
constexpr uint32_t kNoSlot = ~0u;

const ValueType kOneI32[1] = {ValueType::kI32};
const ValueType kOneI64[1] = {ValueType::kI64};

struct Ctrl {
  Ctrl(uint8_t op, std::span<const ValueType> p, std::span<const ValueType> r, uint32_t h)
      : opcode(op), params(p), results(r), height(h) {}

  uint8_t opcode;  // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0x00 the function itself
  std::span<const ValueType> params;
  std::span<const ValueType> results;
  uint32_t height;  // type-stack height below the params
  bool unreachable = false;
  uint32_t loop_pc = 0;
  uint32_t else_fixup = kNoSlot;  // the JumpIfZero(Gas) target word of an `if`
  // Forward branches to this label's end: the target word, and the cost word of a charging branch
  // (kNoSlot for branches that land on the label's Gas instruction instead).
  std::vector<std::pair<uint32_t, uint32_t>> fixups;

  std::span<const ValueType> label_types() const { return opcode == 0x03 ? params : results; }
};

const char* type_name(VT t) { return t == kUnknown ? "any" : value_type_name(static_cast<ValueType>(t)); }

class FunctionCompiler {
 public:
  FunctionCompiler(const Module& m, const CompileOptions& o, uint32_t defined_index, CompiledFunction* out)
      : m_(m), options_(o), out_(*out), code_(out->code),
        body_(m.bodies[defined_index]),
        type_(m.function_type(m.num_imported_functions + defined_index)),
        r_(m.bytes.data(), body_.code_begin, body_.code_end) {
    out_.type_index = m.function_types[m.num_imported_functions + defined_index];
    out_.num_params = static_cast<uint32_t>(type_.params.size());
    out_.num_locals = body_.num_locals;
    out_.num_results = static_cast<uint32_t>(type_.results.size());
    if (uint64_t{out_.num_params} + out_.num_locals > o.limits.max_locals) {
      fail(ErrorCode::kLimitExceeded, "too many locals", body_.code_begin);
    }
    locals_.reserve(out_.num_params + out_.num_locals);
    for (ValueType t : type_.params) locals_.push_back(static_cast<VT>(t));
    for (const auto& [count, t] : body_.local_runs) locals_.insert(locals_.end(), count, static_cast<VT>(t));
  }

  void run() {
    code_.reserve((body_.code_end - body_.code_begin) * 2 + 8);
    ctrls_.emplace_back(0x00, std::span<const ValueType>(), type_.results, 0);
    begin_block();
    // Entering a function zeroes its locals: one unit of gas per declared local.
    if (gas_slot_ != kNoSlot && !options_.unit_gas) code_[gas_slot_] += static_cast<uint32_t>(out_.num_locals * kGasPerLocal);
    while (!ctrls_.empty()) {
      if (r_.at_end()) fail(ErrorCode::kMalformed, "unexpected end of section or function", r_.pos());
      instruction();
    }
    if (!r_.at_end()) fail(ErrorCode::kMalformed, "section size mismatch: code after the final end", r_.pos());
    for (const auto& [cost_word, gas_slot] : pending_costs_) code_[cost_word] = code_[gas_slot];
    out_.max_height = max_height_;
    if (options_.metering) {
      // Calls pay the entry block themselves and start past its Gas instruction.
      out_.entry_pc = 2;
      out_.entry_cost = code_[1];
    }
  }

 private:
  // ---- errors -------------------------------------------------------------------------------
  [[noreturn]] void invalid(const std::string& message) { fail(ErrorCode::kInvalid, message, op_pos_); }
  [[noreturn]] void unsupported(const std::string& what) {
    fail(ErrorCode::kUnsupported, fmt::format("{} is not supported", what), op_pos_);
  }

  // ---- the type stack -------------------------------------------------------------------------
  void push(VT t) {
    vals_.push_back(t);
    if (vals_.size() > max_height_) {
      max_height_ = static_cast<uint32_t>(vals_.size());
      if (max_height_ > options_.limits.max_operand_height) {
        fail(ErrorCode::kLimitExceeded, "operand stack too deep", op_pos_);
      }
    }
  }
  void push(ValueType t) { push(static_cast<VT>(t)); }

  VT pop() {
    Ctrl& c = ctrls_.back();
    if (vals_.size() == c.height) {
      if (c.unreachable) return kUnknown;
      invalid("type mismatch: operand stack is empty");
    }
    VT v = vals_.back();
    vals_.pop_back();
    return v;
  }

  VT pop(VT expect) {
    VT actual = pop();
    if (actual != expect && actual != kUnknown && expect != kUnknown) {
      invalid(fmt::format("type mismatch: expected {}, got {}", type_name(expect), type_name(actual)));
    }
    return actual == kUnknown ? expect : actual;
  }
  VT pop(ValueType expect) { return pop(static_cast<VT>(expect)); }

  void pop_all(std::span<const ValueType> types) {
    for (size_t i = types.size(); i-- > 0;) pop(types[i]);
  }
  void push_all(std::span<const ValueType> types) {
    for (ValueType t : types) push(t);
  }

  void push_ctrl(uint8_t opcode, std::span<const ValueType> params, std::span<const ValueType> results) {
    if (ctrls_.size() > options_.limits.max_control_depth) {
      fail(ErrorCode::kLimitExceeded, "blocks nested too deeply", op_pos_);
    }
    ctrls_.emplace_back(opcode, params, results, static_cast<uint32_t>(vals_.size()));
    push_all(params);
  }

  // Checks the results of the innermost frame and that nothing else is left on its stack.
  void check_frame_end() {
    Ctrl& c = ctrls_.back();
    pop_all(c.results);
    if (vals_.size() != c.height) invalid("type mismatch: values remaining on the stack at end of block");
  }

  void set_unreachable() {
    Ctrl& c = ctrls_.back();
    vals_.resize(c.height);
    c.unreachable = true;
    gas_slot_ = kNoSlot;  // nothing here runs until the next label
  }

  // ---- emission -------------------------------------------------------------------------------
  void emit(Op op) {
    last_op_ = static_cast<uint32_t>(code_.size());
    code_.push_back(static_cast<uint32_t>(op));
  }
  void imm(uint32_t v) { code_.push_back(v); }
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }

  // Starts a new basic block: later instructions are charged to its Gas instruction. Returns the
  // block's start (its Gas instruction when metered). A block with no instructions yet is reused
  // rather than followed by a second Gas: with the standard schedule it costs 0 anyway (only
  // block/loop/end/else/nop can be in it).
  uint32_t begin_block() {
    if (options_.metering && gas_slot_ != kNoSlot && gas_slot_ + 1 == here() && last_op_ + 1 == gas_slot_ &&
        code_[last_op_] == static_cast<uint32_t>(Op::kGas)) {
      barrier_ = last_op_;
      return last_op_;
    }
    barrier_ = here();
    if (!options_.metering) return barrier_;
    emit(Op::kGas);
    gas_slot_ = here();
    imm(0);
    return barrier_;
  }

  void charge(uint8_t opcode) {
    if (gas_slot_ == kNoSlot) return;
    code_[gas_slot_] += options_.unit_gas ? 1 : instruction_gas(opcode);
  }

  // Stack adjustment for a branch to `target` from the current height.
  uint32_t branch_drop(const Ctrl& target) const {
    int64_t drop = static_cast<int64_t>(vals_.size()) - static_cast<int64_t>(target.label_types().size()) -
                   target.height;
    return drop < 0 ? 0 : static_cast<uint32_t>(drop);  // negative only in unreachable code
  }

  // Writes the target and cost words of a charging branch. With metering, a charging branch lands
  // just past its target block's Gas instruction and pays that block's cost itself (the cost word is
  // patched once the block's total is known), saving a dispatch per taken branch.
  void charging_target(Ctrl& target) {
    if (target.opcode == 0x03) {
      if (options_.metering) {
        imm(target.loop_pc + 2);
        pending_costs_.emplace_back(here(), target.loop_pc + 1);
      } else {
        imm(target.loop_pc);
      }
    } else {
      target.fixups.emplace_back(here(), options_.metering ? here() + 1 : kNoSlot);
      imm(0);
    }
    imm(0);
  }

  void emit_br(uint32_t depth) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
    uint32_t drop = branch_drop(target);
    if (drop != 0) {
      emit(Op::kBr);
      add_target(target);
      imm(drop);
      imm(static_cast<uint32_t>(target.label_types().size()));
    } else if (options_.metering) {
      emit(Op::kJumpGas);
      charging_target(target);
    } else {
      emit(Op::kJump);
      add_target(target);
    }
  }

  void emit_br_if(uint32_t depth) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
    uint32_t drop = branch_drop(target);
    if (drop != 0) {
      emit(Op::kBrIfDropKeep);
      add_target(target);
      imm(drop);
      imm(static_cast<uint32_t>(target.label_types().size()));
      return;
    }
    Op fused = fused_compare_branch();
    if (fused != Op::kCount) {
      code_[last_op_] = static_cast<uint32_t>(fused);  // the comparison becomes compare-and-branch
      charging_target(target);
    } else if (options_.metering) {
      emit(Op::kBrIfGas);
      charging_target(target);
    } else {
      emit(Op::kBrIf);
      add_target(target);
    }
  }

  // ---- peephole fusion ------------------------------------------------------------------------
  // Whether the instruction just emitted is `op` and may merge with the next one (no label between).
  bool last_is(Op op) const {
    return last_op_ >= barrier_ && last_op_ < code_.size() && code_[last_op_] == static_cast<uint32_t>(op);
  }

  Op fused_compare_branch() const {
    static constexpr std::pair<Op, Op> kPairs[] = {
        {Op::kI32Eqz, Op::kBrIfEqz},       {Op::kI32Eq, Op::kI32EqBrIf},     {Op::kI32Ne, Op::kI32NeBrIf},
        {Op::kI32LtS, Op::kI32LtSBrIf},    {Op::kI32LtU, Op::kI32LtUBrIf},   {Op::kI32GtS, Op::kI32GtSBrIf},
        {Op::kI32GtU, Op::kI32GtUBrIf},    {Op::kI32LeS, Op::kI32LeSBrIf},   {Op::kI32LeU, Op::kI32LeUBrIf},
        {Op::kI32GeS, Op::kI32GeSBrIf},    {Op::kI32GeU, Op::kI32GeUBrIf}};
    for (const auto& [compare, branch] : kPairs) {
      if (last_is(compare)) return branch;
    }
    return Op::kCount;
  }

  void emit_local_get(uint32_t index) {
    if (last_is(Op::kLocalGet)) {
      code_[last_op_] = static_cast<uint32_t>(Op::kLocalGet2);
    } else if (last_is(Op::kLocalSet)) {
      code_[last_op_] = static_cast<uint32_t>(Op::kLocalSetGet);
    } else {
      emit(Op::kLocalGet);
    }
    imm(index);
  }

  // i32.add / i32.sub after a constant or a local.get fold into one instruction.
  void emit_i32_add_sub(Op op) {
    if (last_is(Op::kI32Const)) {
      code_[last_op_] = static_cast<uint32_t>(Op::kI32AddConst);
      if (op == Op::kI32Sub) code_[last_op_ + 1] = 0u - code_[last_op_ + 1];
      return;
    }
    if (op == Op::kI32Add && last_is(Op::kLocalGet)) {
      code_[last_op_] = static_cast<uint32_t>(Op::kLocalGetI32Add);
      return;
    }
    emit(op);
  }

  void add_target(Ctrl& target) {
    if (target.opcode == 0x03) {
      imm(target.loop_pc);
    } else {
      target.fixups.emplace_back(here(), kNoSlot);
      imm(0);
    }
  }

  uint32_t label_depth() {
    uint32_t depth = r_.u32();
    if (depth >= ctrls_.size()) invalid("unknown label");
    return depth;
  }

  void block_type(std::span<const ValueType>* params, std::span<const ValueType>* results) {
    uint8_t b = r_.peek();
    if (b == 0x40) { r_.u8(); *params = {}; *results = {}; return; }
    if (b == 0x7F) { r_.u8(); *params = {}; *results = kOneI32; return; }
    if (b == 0x7E) { r_.u8(); *params = {}; *results = kOneI64; return; }
    if (b == 0x7D || b == 0x7C) unsupported("floating point block type");
    if (b == 0x7B) unsupported("SIMD block type");
    if (b == 0x70 || b == 0x6F) unsupported("reference-typed block");
    int64_t index = r_.s33();
    if (index < 0) fail(ErrorCode::kMalformed, "malformed block type", op_pos_);
    if (static_cast<uint64_t>(index) >= m_.types.size()) invalid("unknown type");
    if (!options_.features.multi_value) unsupported("block type index (multi-value)");
    const FuncType& t = m_.types[static_cast<size_t>(index)];
    *params = t.params;
    *results = t.results;
  }

  void memarg(uint32_t natural_log2) {
    if (m_.memories.empty()) invalid("unknown memory");
    uint32_t align = r_.u32();
    uint32_t offset = r_.u32();
    if (align >= 32) fail(ErrorCode::kMalformed, "malformed memop flags", op_pos_);
    if (align > natural_log2) invalid("alignment must not be larger than natural");
    imm(offset);
  }

  void load(Op op, uint32_t natural_log2, ValueType result) {
    emit(op);
    memarg(natural_log2);
    pop(kI32);
    push(result);
  }

  void store(Op op, uint32_t natural_log2, ValueType value) {
    emit(op);
    memarg(natural_log2);
    pop(value);
    pop(kI32);
  }

  void memory_index_byte() {
    if (r_.u8() != 0) fail(ErrorCode::kMalformed, "zero byte expected", op_pos_);
    if (m_.memories.empty()) invalid("unknown memory");
  }

  void unary(Op op, VT in, VT out) { pop(in); push(out); emit(op); }
  void binary(Op op, VT in, VT out) { pop(in); pop(in); push(out); emit(op); }

  // ---- the instruction loop -------------------------------------------------------------------
  void instruction() {
    op_pos_ = r_.pos();
    uint8_t op = r_.u8();
    charge(op);
    switch (op) {
      case 0x00: emit(Op::kUnreachable); set_unreachable(); return;
      case 0x01: return;
      case 0x02: case 0x03: {
        std::span<const ValueType> params, results;
        block_type(&params, &results);
        pop_all(params);
        push_ctrl(op, params, results);
        if (op == 0x03) ctrls_.back().loop_pc = begin_block();
        return;
      }
      case 0x04: {
        std::span<const ValueType> params, results;
        block_type(&params, &results);
        pop(kI32);
        pop_all(params);
        if (!options_.metering) {
          emit(Op::kJumpIfZero);
          uint32_t slot = here();
          imm(0);
          push_ctrl(op, params, results);
          ctrls_.back().else_fixup = slot;
          begin_block();
          return;
        }
        // JumpIfZeroGas target, cost if jumping, cost if falling through: the `then` block is
        // charged through the last word, the `else` block (if any) through the middle one.
        emit(Op::kJumpIfZeroGas);
        uint32_t slot = here();
        imm(0);
        imm(0);
        imm(0);
        push_ctrl(op, params, results);
        ctrls_.back().else_fixup = slot;
        barrier_ = here();
        gas_slot_ = slot + 2;
        return;
      }
      case 0x05: {
        Ctrl& c = ctrls_.back();
        if (c.opcode != 0x04) invalid("else without matching if");
        check_frame_end();
        if (options_.metering) {
          emit(Op::kJumpGas);
          charging_target(c);
        } else {
          emit(Op::kJump);
          add_target(c);
        }
        code_[c.else_fixup] = here();
        if (options_.metering) {
          barrier_ = here();
          gas_slot_ = c.else_fixup + 1;  // the else block is paid by the `if` when it jumps here
        } else {
          begin_block();
        }
        c.else_fixup = kNoSlot;
        c.opcode = 0x05;
        c.unreachable = false;
        push_all(c.params);
        return;
      }
      case 0x0B: end(); return;
      case 0x0C: {
        uint32_t depth = label_depth();
        emit_br(depth);
        pop_all(ctrls_[ctrls_.size() - 1 - depth].label_types());
        set_unreachable();
        return;
      }
      case 0x0D: {
        uint32_t depth = label_depth();
        pop(kI32);
        auto types = ctrls_[ctrls_.size() - 1 - depth].label_types();
        pop_all(types);
        push_all(types);
        emit_br_if(depth);
        return;
      }
      case 0x0E: br_table(); return;
      case 0x0F:
        pop_all(type_.results);
        emit(Op::kReturn);
        imm(out_.num_results);
        set_unreachable();
        return;
      case 0x10: {
        uint32_t f = r_.u32();
        if (f >= m_.function_types.size()) invalid("unknown function");
        const FuncType& t = m_.function_type(f);
        pop_all(t.params);
        push_all(t.results);
        emit(Op::kCall);
        imm(f);
        return;
      }
      case 0x11: {
        uint32_t type_index = r_.u32();
        uint32_t table = r_.u32();
        if (table >= m_.tables.size()) invalid("unknown table");
        if (table != 0) unsupported("call_indirect on a table other than 0 (reference types)");
        if (type_index >= m_.types.size()) invalid("unknown type");
        const FuncType& t = m_.types[type_index];
        pop(kI32);
        pop_all(t.params);
        push_all(t.results);
        emit(Op::kCallIndirect);
        imm(type_index);
        return;
      }
      case 0x1A: pop(); emit(Op::kDrop); return;
      case 0x1B: {
        pop(kI32);
        VT a = pop();
        VT b = pop();
        if (a != b && a != kUnknown && b != kUnknown) invalid("type mismatch: select operands differ");
        push(a == kUnknown ? b : a);
        emit(Op::kSelect);
        return;
      }
      case 0x1C: unsupported("typed select (reference types)");
      case 0x20: case 0x21: case 0x22: {
        uint32_t index = r_.u32();
        if (index >= locals_.size()) invalid("unknown local");
        VT t = locals_[index];
        if (op == 0x20) { push(t); emit_local_get(index); return; }
        if (op == 0x21) { pop(t); emit(Op::kLocalSet); }
        else { pop(t); push(t); emit(Op::kLocalTee); }
        imm(index);
        return;
      }
      case 0x23: case 0x24: {
        uint32_t index = r_.u32();
        if (index >= m_.global_types.size()) invalid("unknown global");
        const GlobalType& g = m_.global_types[index];
        if (op == 0x23) { push(g.type); emit(Op::kGlobalGet); }
        else {
          if (!g.mutable_) invalid("global is immutable");
          pop(g.type);
          emit(Op::kGlobalSet);
        }
        imm(index);
        return;
      }
      case 0x25: case 0x26: unsupported("table.get/table.set (reference types)");
      case 0x28: load(Op::kI32Load, 2, ValueType::kI32); return;
      case 0x29: load(Op::kI64Load, 3, ValueType::kI64); return;
      case 0x2C: load(Op::kI32Load8S, 0, ValueType::kI32); return;
      case 0x2D: load(Op::kI32Load8U, 0, ValueType::kI32); return;
      case 0x2E: load(Op::kI32Load16S, 1, ValueType::kI32); return;
      case 0x2F: load(Op::kI32Load16U, 1, ValueType::kI32); return;
      case 0x30: load(Op::kI64Load8S, 0, ValueType::kI64); return;
      case 0x31: load(Op::kI64Load8U, 0, ValueType::kI64); return;
      case 0x32: load(Op::kI64Load16S, 1, ValueType::kI64); return;
      case 0x33: load(Op::kI64Load16U, 1, ValueType::kI64); return;
      case 0x34: load(Op::kI64Load32S, 2, ValueType::kI64); return;
      case 0x35: load(Op::kI64Load32U, 2, ValueType::kI64); return;
      case 0x36: store(Op::kI32Store, 2, ValueType::kI32); return;
      case 0x37: store(Op::kI64Store, 3, ValueType::kI64); return;
      case 0x3A: store(Op::kI32Store8, 0, ValueType::kI32); return;
      case 0x3B: store(Op::kI32Store16, 1, ValueType::kI32); return;
      case 0x3C: store(Op::kI64Store8, 0, ValueType::kI64); return;
      case 0x3D: store(Op::kI64Store16, 1, ValueType::kI64); return;
      case 0x3E: store(Op::kI64Store32, 2, ValueType::kI64); return;
      case 0x3F: memory_index_byte(); push(kI32); emit(Op::kMemorySize); return;
      case 0x40: memory_index_byte(); pop(kI32); push(kI32); emit(Op::kMemoryGrow); return;
      case 0x41: {
        uint32_t v = static_cast<uint32_t>(r_.s32());
        push(kI32);
        emit(Op::kI32Const);
        imm(v);
        return;
      }
      case 0x42: {
        uint64_t v = static_cast<uint64_t>(r_.s64());
        push(kI64);
        emit(Op::kI64Const);
        imm(static_cast<uint32_t>(v));
        imm(static_cast<uint32_t>(v >> 32));
        return;
      }
      case 0x45: unary(Op::kI32Eqz, kI32, kI32); return;
      case 0x50: unary(Op::kI64Eqz, kI64, kI32); return;
      case 0xA7: unary(Op::kI32WrapI64, kI64, kI32); return;
      case 0xAC: unary(Op::kI64ExtendI32S, kI32, kI64); return;
      case 0xAD: unary(Op::kI64ExtendI32U, kI32, kI64); return;
      case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4:
        if (!options_.features.sign_extension) unsupported("sign-extension operator");
        if (op <= 0xC1) unary(op == 0xC0 ? Op::kI32Extend8S : Op::kI32Extend16S, kI32, kI32);
        else unary(static_cast<Op>(static_cast<uint32_t>(Op::kI64Extend8S) + (op - 0xC2)), kI64, kI64);
        return;
      case 0xFC: {
        uint32_t sub = r_.u32();
        if (sub <= 7) unsupported("non-trapping float-to-int conversion (floating point)");
        if (sub <= 17) unsupported("bulk memory / table instruction");
        fail(ErrorCode::kMalformed, "illegal opcode", op_pos_);
      }
      case 0xFD: unsupported("SIMD instruction");
      case 0xFE: unsupported("atomic instruction (threads)");
      case 0xD0: case 0xD1: case 0xD2: unsupported("reference instruction (reference types)");
      default: break;
    }
    if (op >= 0x46 && op <= 0x4F) return binary(offset_op(Op::kI32Eq, op - 0x46), kI32, kI32);
    if (op >= 0x51 && op <= 0x5A) return binary(offset_op(Op::kI64Eq, op - 0x51), kI64, kI32);
    if (op >= 0x67 && op <= 0x69) return unary(offset_op(Op::kI32Clz, op - 0x67), kI32, kI32);
    if (op == 0x6A || op == 0x6B) {
      pop(kI32);
      pop(kI32);
      push(kI32);
      return emit_i32_add_sub(op == 0x6A ? Op::kI32Add : Op::kI32Sub);
    }
    if (op >= 0x6A && op <= 0x78) return binary(offset_op(Op::kI32Add, op - 0x6A), kI32, kI32);
    if (op >= 0x79 && op <= 0x7B) return unary(offset_op(Op::kI64Clz, op - 0x79), kI64, kI64);
    if (op >= 0x7C && op <= 0x8A) return binary(offset_op(Op::kI64Add, op - 0x7C), kI64, kI64);
    if (is_float_opcode(op)) unsupported(fmt::format("floating point instruction 0x{:02x}", op));
    fail(ErrorCode::kMalformed, fmt::format("illegal opcode 0x{:02x}", op), op_pos_);
  }

  static Op offset_op(Op base, int delta) { return static_cast<Op>(static_cast<uint32_t>(base) + delta); }

  static bool is_float_opcode(uint8_t op) {
    return op == 0x2A || op == 0x2B || op == 0x38 || op == 0x39 || op == 0x43 || op == 0x44 ||
           (op >= 0x5B && op <= 0x66) || (op >= 0x8B && op <= 0xA6) || (op >= 0xA8 && op <= 0xAB) ||
           (op >= 0xAE && op <= 0xBF);
  }

  void end() {
    Ctrl& c = ctrls_.back();
    check_frame_end();
    bool reachable_before = !c.unreachable;
    bool is_label = !c.fixups.empty();
    if (c.opcode == 0x04) {
      // An `if` without `else`: the false path passes the params through as results.
      if (!std::equal(c.params.begin(), c.params.end(), c.results.begin(), c.results.end())) {
        invalid("type mismatch: if without else must not change the stack");
      }
      c.fixups.emplace_back(c.else_fixup, options_.metering ? c.else_fixup + 1 : kNoSlot);
      is_label = true;
    }
    if (c.opcode == 0x00) {
      for (const auto& fixup : c.fixups) code_[fixup.first] = here();  // Return costs nothing
      emit(Op::kReturn);
      imm(out_.num_results);
      ctrls_.pop_back();
      return;
    }
    uint32_t label = here();
    auto fixups = std::move(c.fixups);
    std::span<const ValueType> results = c.results;
    uint8_t c_opcode = c.opcode;
    ctrls_.pop_back();
    push_all(results);
    // A loop's header charges everything up to the next Gas, so code after the loop needs its own.
    if (is_label || !reachable_before || c_opcode == 0x03) label = begin_block();
    for (const auto& [target_word, cost_word] : fixups) {
      if (cost_word != kNoSlot) {
        code_[target_word] = label + 2;  // past the label's Gas instruction, whose cost it pays
        pending_costs_.emplace_back(cost_word, label + 1);
      } else {
        code_[target_word] = label;
      }
    }
  }

  void br_table() {
    uint32_t count = r_.count(options_.limits.max_br_table_size, "br_table entries");
    std::vector<uint32_t> depths(count + 1);
    for (uint32_t i = 0; i <= count; ++i) depths[i] = label_depth();
    pop(kI32);
    Ctrl& def = ctrls_[ctrls_.size() - 1 - depths[count]];
    size_t arity = def.label_types().size();
    uint32_t height = static_cast<uint32_t>(vals_.size());
    for (uint32_t d : depths) {
      auto types = ctrls_[ctrls_.size() - 1 - d].label_types();
      if (types.size() != arity) invalid("type mismatch: br_table labels have different arities");
      // Check the operands against each label's types without consuming them.
      std::vector<VT> popped;
      for (size_t i = types.size(); i-- > 0;) popped.push_back(pop(types[i]));
      for (size_t i = popped.size(); i-- > 0;) push(popped[i]);
    }
    emit(Op::kBrTable);
    imm(count);
    imm(static_cast<uint32_t>(arity));
    for (uint32_t d : depths) {
      Ctrl& target = ctrls_[ctrls_.size() - 1 - d];
      int64_t drop = static_cast<int64_t>(height) - static_cast<int64_t>(arity) - target.height;
      add_target(target);
      imm(static_cast<uint32_t>(std::max<int64_t>(drop, 0)));
    }
    pop_all(def.label_types());
    set_unreachable();
  }

  const Module& m_;
  const CompileOptions& options_;
  CompiledFunction& out_;
  std::vector<uint32_t>& code_;
  const FunctionBody& body_;
  const FuncType& type_;
  Reader r_;
  std::vector<VT> locals_;
  std::vector<VT> vals_;
  std::vector<Ctrl> ctrls_;
  uint32_t max_height_ = 0;
  uint32_t gas_slot_ = kNoSlot;
  uint32_t barrier_ = 0;  // code index of the latest label: peephole fusion must not cross it
  uint32_t last_op_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> pending_costs_;  // (cost word, gas slot it copies)
  size_t op_pos_ = 0;
};

}  // namespace

void compile_function(const Module& module, const CompileOptions& options, uint32_t defined_index,
                      CompiledFunction* out) {
  FunctionCompiler(module, options, defined_index, out).run();
}

}  // namespace bciin::wasm::internal
