#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::load;
using testing::Loaded;
using testing::wat;

Status call_status(Loaded& l, const std::string& name, std::vector<Value> args = {}) {
  GasMeter gas = GasMeter::Unlimited();
  std::vector<Value> results;
  return l.call(name, std::move(args), &results, gas);
}

TEST(Interpreter, Factorial) {
  auto l = load(wat(R"wat((module
    (func $fac (export "fac") (param i64) (result i64)
      (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
        (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))))wat"));
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_EQ(l.call_ok("fac", {Value::I64(20)}), 2432902008176640000ull);
}

TEST(Interpreter, BranchesCarryValuesOut) {
  auto l = load(wat(R"wat((module
    (func (export "f") (param i32) (result i32)
      (i32.add (i32.const 100)
        (block (result i32)
          (drop (br_if 0 (i32.const 1) (i32.eq (local.get 0) (i32.const 1))))
          (block (result i32) (br_table 0 1 (i32.const 2) (local.get 0)))
          (i32.const 10) (i32.add))))))wat"));
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_EQ(l.call_ok("f", {Value::I32(0)}), 112u);  // inner block yields 2, +10
  EXPECT_EQ(l.call_ok("f", {Value::I32(1)}), 101u);  // br_if leaves with 1
  EXPECT_EQ(l.call_ok("f", {Value::I32(5)}), 102u);  // br_table default leaves the outer block with 2
}

TEST(Interpreter, LoopsAndLocals) {
  auto l = load(wat(R"wat((module
    (func (export "sum") (param $n i32) (result i64) (local $acc i64)
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      (local.get $acc))))wat"));
  EXPECT_EQ(l.call_ok("sum", {Value::I32(100000)}), 5000050000ull);
}

TEST(Interpreter, MultiValueBlocksAndFunctions) {
  auto l = load(wat(R"wat((module
    (func $pair (result i32 i32) (i32.const 7) (i32.const 5))
    (func (export "f") (result i32)
      (call $pair)
      (block (param i32 i32) (result i32) (i32.sub)))))wat"));
  EXPECT_EQ(l.call_ok("f"), 2u);
}

TEST(Interpreter, IntegerTrapsAreDeterministic) {
  auto l = load(wat(R"wat((module
    (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
    (func (export "unreachable") (unreachable))))wat"));
  EXPECT_EQ(call_status(l, "div_s", {Value::I32(1), Value::I32(0)}).code(), ErrorCode::kTrapDivideByZero);
  EXPECT_EQ(call_status(l, "div_s", {Value::I32(0x80000000u), Value::I32(0xFFFFFFFFu)}).code(),
            ErrorCode::kTrapIntegerOverflow);
  EXPECT_EQ(l.call_ok("rem_s", {Value::I64(0x8000000000000000ull), Value::I64(~0ull)}), 0u);
  EXPECT_EQ(call_status(l, "unreachable").code(), ErrorCode::kTrapUnreachable);
}

TEST(Interpreter, MemoryAccessIsBoundsChecked) {
  auto l = load(wat(R"wat((module (memory 1)
    (func (export "store") (param i32 i64) (i64.store offset=8 (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
    (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))))wat"));
  ASSERT_TRUE(l.status.ok());
  l.call_ok("store", {Value::I32(0), Value::I64(0xFFEEDDCCBBAA9988ull)});
  EXPECT_EQ(l.call_ok("load", {Value::I32(0)}), 0xFFEEDDCCBBAA9988ull);
  EXPECT_EQ(l.call_ok("load8_s", {Value::I32(15)}), 0xFFFFFFFFu);  // 0xFF sign-extended
  EXPECT_EQ(call_status(l, "load", {Value::I32(65536 - 15)}).code(), ErrorCode::kTrapMemoryOutOfBounds);
  EXPECT_EQ(call_status(l, "load", {Value::I32(0xFFFFFFFFu)}).code(), ErrorCode::kTrapMemoryOutOfBounds);
  EXPECT_TRUE(call_status(l, "load", {Value::I32(65536 - 16)}).ok());
}

TEST(Interpreter, MemoryGrowAndSize) {
  auto l = load(wat(R"wat((module (memory 1 3)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "poke") (param i32) (i32.store8 (local.get 0) (i32.const 1)))))wat"));
  EXPECT_EQ(l.call_ok("grow", {Value::I32(1)}), 1u);
  EXPECT_EQ(l.call_ok("size"), 2u);
  EXPECT_EQ(l.call_ok("grow", {Value::I32(2)}), 0xFFFFFFFFu);  // past the declared maximum
  l.call_ok("poke", {Value::I32(2 * 65536 - 1)});
  EXPECT_EQ(call_status(l, "poke", {Value::I32(2 * 65536)}).code(), ErrorCode::kTrapMemoryOutOfBounds);
}

TEST(Interpreter, CallIndirectChecksBoundsNullAndType) {
  auto l = load(wat(R"wat((module
    (type $ii (func (param i32) (result i32)))
    (table 4 funcref)
    (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $nothing)
    (elem (i32.const 0) $inc $nothing)
    (func (export "call") (param i32 i32) (result i32)
      (call_indirect (type $ii) (local.get 1) (local.get 0)))))wat"));
  EXPECT_EQ(l.call_ok("call", {Value::I32(0), Value::I32(41)}), 42u);
  EXPECT_EQ(call_status(l, "call", {Value::I32(1), Value::I32(0)}).code(), ErrorCode::kTrapIndirectCallTypeMismatch);
  EXPECT_EQ(call_status(l, "call", {Value::I32(2), Value::I32(0)}).code(), ErrorCode::kTrapUninitializedElement);
  EXPECT_EQ(call_status(l, "call", {Value::I32(4), Value::I32(0)}).code(), ErrorCode::kTrapUndefinedElement);
}

TEST(Interpreter, GlobalsSelectAndBitOps) {
  auto l = load(wat(R"wat((module
    (global $g (mut i64) (i64.const 5))
    (func (export "bump") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 1))) (global.get $g))
    (func (export "sel") (param i32) (result i32) (select (i32.const 10) (i32.const 20) (local.get 0)))
    (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
    (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
    (func (export "ext") (param i32) (result i64) (i64.extend16_s (i64.extend_i32_u (local.get 0))))))wat"));
  EXPECT_EQ(l.call_ok("bump"), 6u);
  EXPECT_EQ(l.call_ok("bump"), 7u);
  EXPECT_EQ(l.call_ok("sel", {Value::I32(1)}), 10u);
  EXPECT_EQ(l.call_ok("sel", {Value::I32(0)}), 20u);
  EXPECT_EQ(l.call_ok("rotl", {Value::I32(0x80000001u), Value::I32(33)}), 3u);
  EXPECT_EQ(l.call_ok("clz", {Value::I64(1)}), 63u);
  EXPECT_EQ(l.call_ok("ext", {Value::I32(0x8000)}), 0xFFFFFFFFFFFF8000ull);
}

TEST(Interpreter, StoreStaysUsableAfterATrap) {
  auto l = load(wat(R"wat((module
    (func $deep (param i32) (result i32) (call $deep (local.get 0)))
    (func (export "deep") (result i32) (call $deep (i32.const 0)))
    (func (export "ok") (result i32) (i32.const 3))))wat"));
  EXPECT_EQ(call_status(l, "deep").code(), ErrorCode::kTrapCallStackExhausted);
  EXPECT_EQ(l.call_ok("ok"), 3u);
}

}  // namespace
}  // namespace bciin::wasm
