#include "bciin/wasm/pure_function.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::wat;

// A counter channel: the state is a little-endian u64; the input is a u64 added to it. alloc is a
// bump allocator from address 1024.
const char* kCounter = R"wat((module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "alloc") (param $size i32) (result i32) (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (local.get $p) (local.get $size)))
    (local.get $p))
  (func (export "apply") (param $s i32) (param $sl i32) (param $i i32) (param $il i32) (result i64)
    (if (i32.or (i32.ne (local.get $sl) (i32.const 8)) (i32.ne (local.get $il) (i32.const 8)))
      (then (unreachable)))
    (i64.store (local.get $s) (i64.add (i64.load (local.get $s)) (i64.load (local.get $i))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $s)) (i64.const 32)) (i64.const 8)))
  (func (export "spin") (param i32 i32 i32 i32) (result i64) (loop (br 0)) (i64.const 0))
  (func (export "wild") (param i32 i32 i32 i32) (result i64) (i64.const 0xFFFFFFF000000010))))wat";

std::vector<uint8_t> u64le(uint64_t v) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

std::shared_ptr<const CompiledModule> counter() {
  auto m = compile(wat(kCounter));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.value();
}

TEST(PureFunction, ComputesTheNewState) {
  auto r = run_pure_function(counter(), "apply", u64le(40), u64le(2));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.new_state, u64le(42));
  EXPECT_GT(r.gas_used, 0u);
  auto again = run_pure_function(counter(), "apply", u64le(40), u64le(2));
  EXPECT_EQ(again.gas_used, r.gas_used);  // deterministic
}

TEST(PureFunction, TrapsAndOutOfGasAreReported) {
  auto bad = run_pure_function(counter(), "apply", u64le(1), std::vector<uint8_t>{1, 2});
  EXPECT_EQ(bad.status.code(), ErrorCode::kTrapUnreachable);
  PureCallOptions options;
  options.gas_limit = 10'000;
  auto spin = run_pure_function(counter(), "spin", {}, {}, options);
  EXPECT_EQ(spin.status.code(), ErrorCode::kTrapOutOfGas);
  EXPECT_EQ(spin.gas_used, 10'000u);
  auto wild = run_pure_function(counter(), "wild", {}, {});
  EXPECT_EQ(wild.status.code(), ErrorCode::kTrapMemoryOutOfBounds);
}

TEST(PureFunction, RefusesImportsUnlessAllowed) {
  const char* importing = R"wat((module (import "bciin" "balance" (func (result i64)))
    (memory (export "memory") 1)
    (func (export "alloc") (param i32) (result i32) (i32.const 0))
    (func (export "apply") (param i32 i32 i32 i32) (result i64) (i64.const 0))))wat";
  auto module = compile(wat(importing));
  ASSERT_TRUE(module.ok());
  EXPECT_EQ(run_pure_function(module.value(), "apply", {}, {}).status.code(), ErrorCode::kUnlinkable);
  HostFunctionRegistry allowed;
  allowed.add("bciin", "balance", FuncType{{}, {ValueType::kI64}},
              [](HostContext&, std::span<const uint64_t>, std::span<uint64_t> r) {
                r[0] = 0;
                return Status::Ok();
              });
  PureCallOptions options;
  options.allowed_hosts = &allowed;
  EXPECT_TRUE(run_pure_function(module.value(), "apply", {}, {}, options).status.ok());
}

TEST(PureFunction, RequiresTheCallingConvention) {
  auto module = compile(wat("(module (memory (export \"memory\") 1))"));
  EXPECT_EQ(run_pure_function(module.value(), "apply", {}, {}).status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(run_pure_function(counter(), "missing", {}, {}).status.code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace bciin::wasm
