// Instantiation, linking, host functions and runtime limits.
#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::load;
using testing::wat;

const FuncType kI32ToI32{{ValueType::kI32}, {ValueType::kI32}};

TEST(Runtime, HostFunctionsReceiveArgumentsAndReturnResults) {
  HostFunctionRegistry hosts;
  hosts.add("env", "triple", kI32ToI32, [](HostContext&, std::span<const uint64_t> args, std::span<uint64_t> results) {
    results[0] = static_cast<uint32_t>(args[0] * 3);
    return Status::Ok();
  });
  Linker linker(&hosts);
  auto l = load(wat(R"wat((module (import "env" "triple" (func $t (param i32) (result i32)))
    (func (export "f") (param i32) (result i32) (i32.add (call $t (local.get 0)) (i32.const 1)))))wat"),
                {}, {}, &linker);
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_EQ(l.call_ok("f", {Value::I32(14)}), 43u);
}

TEST(Runtime, HostFunctionsAccessCallerMemoryBoundsChecked) {
  HostFunctionRegistry hosts;
  // reverse(ptr, len): reverses the bytes in place; traps when the range is outside memory.
  hosts.add("env", "reverse", FuncType{{ValueType::kI32, ValueType::kI32}, {}},
            [](HostContext& ctx, std::span<const uint64_t> args, std::span<uint64_t>) {
              std::vector<uint8_t> buf(static_cast<uint32_t>(args[1]));
              if (Status s = ctx.read_memory(static_cast<uint32_t>(args[0]), buf); !s.ok()) return s;
              std::reverse(buf.begin(), buf.end());
              return ctx.write_memory(static_cast<uint32_t>(args[0]), buf);
            });
  Linker linker(&hosts);
  auto l = load(wat(R"wat((module (import "env" "reverse" (func $r (param i32 i32)))
    (memory 1) (data (i32.const 0) "\01\02\03\04")
    (func (export "f") (param i32 i32) (result i32) (call $r (local.get 0) (local.get 1)) (i32.load (i32.const 0)))))wat"),
                {}, {}, &linker);
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_EQ(l.call_ok("f", {Value::I32(0), Value::I32(4)}), 0x01020304u);
  GasMeter gas = GasMeter::Unlimited();
  std::vector<Value> results;
  EXPECT_EQ(l.call("f", {Value::I32(65530), Value::I32(100)}, &results, gas).code(),
            ErrorCode::kTrapMemoryOutOfBounds);
}

TEST(Runtime, HostFunctionsChargeGasAndTrap) {
  HostFunctionRegistry hosts;
  hosts.add("env", "expensive", FuncType{}, [](HostContext& ctx, std::span<const uint64_t>, std::span<uint64_t>) {
    return ctx.charge_gas(1000);
  });
  hosts.add("env", "fail", FuncType{}, [](HostContext&, std::span<const uint64_t>, std::span<uint64_t>) {
    return HostContext::Trap("contract reverted: not allowed");
  });
  Linker linker(&hosts);
  auto l = load(wat(R"wat((module (import "env" "expensive" (func $e)) (import "env" "fail" (func $f))
    (func (export "e") (call $e)) (func (export "f") (call $f))))wat"), {}, {}, &linker);
  ASSERT_TRUE(l.status.ok());
  GasMeter enough(2000), little(500);
  std::vector<Value> results;
  EXPECT_TRUE(l.call("e", {}, &results, enough).ok());
  EXPECT_GE(enough.used(), 1000u);
  EXPECT_EQ(l.call("e", {}, &results, little).code(), ErrorCode::kTrapOutOfGas);
  EXPECT_EQ(little.remaining(), 0u);
  GasMeter gas = GasMeter::Unlimited();
  Status s = l.call("f", {}, &results, gas);
  EXPECT_EQ(s.code(), ErrorCode::kTrapHost);
  EXPECT_EQ(s.message(), "contract reverted: not allowed");
}

TEST(Runtime, ImportsAreCheckedByNameAndSignature) {
  HostFunctionRegistry hosts;
  hosts.add("env", "f", kI32ToI32, [](HostContext&, std::span<const uint64_t>, std::span<uint64_t>) {
    return Status::Ok();
  });
  Linker linker(&hosts);
  auto missing = load(wat(R"wat((module (import "env" "g" (func))))wat"), {}, {}, &linker);
  EXPECT_EQ(missing.status.code(), ErrorCode::kUnlinkable);
  auto wrong = load(wat(R"wat((module (import "env" "f" (func (param i64)))))wat"), {}, {}, &linker);
  EXPECT_EQ(wrong.status.code(), ErrorCode::kUnlinkable);
  EXPECT_NE(wrong.status.message().find("env.f"), std::string::npos);
}

TEST(Runtime, ModulesLinkAgainstEachOthersExports) {
  Store store;
  Linker linker;
  GasMeter gas = GasMeter::Unlimited();
  auto a = compile(wat(R"wat((module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 1))
    (func (export "get") (result i32) (i32.load (i32.const 0)))))wat"));
  ASSERT_TRUE(a.ok());
  auto ia = store.instantiate(a.value(), linker, gas);
  ASSERT_TRUE(ia.ok());
  linker.define_instance("a", *ia.value());
  auto b = compile(wat(R"wat((module (import "a" "mem" (memory 1)) (import "a" "g" (global (mut i32)))
    (func (export "put") (i32.store (i32.const 0) (i32.const 99)) (global.set 0 (i32.const 5)))))wat"));
  auto ib = store.instantiate(b.value(), linker, gas);
  ASSERT_TRUE(ib.ok()) << ib.status().ToString();
  std::vector<Value> results;
  ASSERT_TRUE(store.invoke(*ib.value()->find_function("put"), {}, &results, gas).ok());
  ASSERT_TRUE(store.invoke(*ia.value()->find_function("get"), {}, &results, gas).ok());
  EXPECT_EQ(results[0].i32(), 99u);
  EXPECT_EQ(ia.value()->find_export("g")->global->value, 5u);
}

TEST(Runtime, InvokeChecksArguments) {
  auto l = load(wat(R"wat((module (func (export "f") (param i32))))wat"));
  GasMeter gas = GasMeter::Unlimited();
  std::vector<Value> results;
  EXPECT_EQ(l.call("f", {}, &results, gas).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(l.call("f", {Value::I64(1)}, &results, gas).code(), ErrorCode::kInvalidArgument);
}

TEST(Runtime, EnforcesMemoryAndTableLimits) {
  RuntimeLimits limits;
  limits.max_memory_pages = 4;
  limits.max_table_size = 10;
  EXPECT_EQ(load(wat("(module (memory 5))"), {}, limits).status.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(load(wat("(module (table 11 funcref))"), {}, limits).status.code(), ErrorCode::kLimitExceeded);
  auto l = load(wat(R"wat((module (memory 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))wat"), {}, limits);
  EXPECT_EQ(l.call_ok("grow", {Value::I32(3)}), 1u);
  EXPECT_EQ(l.call_ok("grow", {Value::I32(1)}), 0xFFFFFFFFu);  // the runtime limit, not the spec's
}

TEST(Runtime, EnforcesCallDepthAndStackLimits) {
  RuntimeLimits limits;
  limits.max_call_depth = 50;
  auto l = load(wat(R"wat((module
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call $down (i32.sub (local.get 0) (i32.const 1))))))))wat"), {}, limits);
  EXPECT_EQ(l.call_ok("down", {Value::I32(40)}), 0u);
  GasMeter gas = GasMeter::Unlimited();
  std::vector<Value> results;
  EXPECT_EQ(l.call("down", {Value::I32(60)}, &results, gas).code(), ErrorCode::kTrapCallStackExhausted);
}

TEST(Runtime, SegmentsAppliedBeforeATrapStay) {
  Store store;
  Linker linker;
  GasMeter gas = GasMeter::Unlimited();
  auto a = compile(wat(R"wat((module (memory (export "mem") 1)))wat"));
  auto ia = store.instantiate(a.value(), linker, gas);
  linker.define_instance("a", *ia.value());
  auto b = compile(wat(R"wat((module (import "a" "mem" (memory 1))
    (data (i32.const 0) "x") (data (i32.const 65536) "y")))wat"));
  auto ib = store.instantiate(b.value(), linker, gas);
  EXPECT_EQ(ib.status().code(), ErrorCode::kTrapMemoryOutOfBounds);
  EXPECT_EQ(ia.value()->memory()->data()[0], 'x');
}

}  // namespace
}  // namespace bciin::wasm
