// Hostile modules: each must end in a deterministic out-of-gas, trap or refusal, with the host
// unharmed and the gas accounted.
#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::load;
using testing::wat;

Status run(testing::Loaded& l, const std::string& name, GasMeter& gas) {
  std::vector<Value> results;
  return l.call(name, {}, &results, gas);
}

TEST(Bombs, EndlessLoopRunsOutOfGas) {
  auto l = load(wat(R"wat((module (func (export "spin") (loop (br 0)))))wat"));
  GasMeter gas(1'000'000);
  EXPECT_EQ(run(l, "spin", gas).code(), ErrorCode::kTrapOutOfGas);
  EXPECT_EQ(gas.remaining(), 0u);
  GasMeter again(1'000'000);
  EXPECT_EQ(run(l, "spin", again).code(), ErrorCode::kTrapOutOfGas);
}

TEST(Bombs, MemoryGrowLoopIsBoundedAndRunsOutOfGas) {
  RuntimeLimits limits;
  limits.max_memory_pages = 64;
  auto l = load(wat(R"wat((module (memory 1)
    (func (export "grow") (loop (drop (memory.grow (i32.const 1))) (br 0)))))wat"), {}, limits);
  GasMeter gas(10'000'000);
  EXPECT_EQ(run(l, "grow", gas).code(), ErrorCode::kTrapOutOfGas);
  EXPECT_LE(l.instance->memory()->pages(), 64u);
}

TEST(Bombs, HugeGrowRequestFailsOrRunsOutOfGas) {
  auto l = load(wat(R"wat((module (memory 1)
    (func (export "grow") (result i32) (memory.grow (i32.const 65535)))))wat"));
  GasMeter gas(1'000'000);
  std::vector<Value> results;
  Status s = l.call("grow", {}, &results, gas);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(results[0].i32(), 0xFFFFFFFFu);  // beyond the runtime limit: -1, nothing allocated
}

TEST(Bombs, DeepRecursionExhaustsTheCallStack) {
  auto l = load(wat(R"wat((module
    (func $r (export "recurse") (call $r))
    (func $fat (export "fat") (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
      (call $fat))))wat"));
  GasMeter gas(100'000'000);
  EXPECT_EQ(run(l, "recurse", gas).code(), ErrorCode::kTrapCallStackExhausted);
  GasMeter gas2(100'000'000);
  EXPECT_EQ(run(l, "fat", gas2).code(), ErrorCode::kTrapCallStackExhausted);
}

TEST(Bombs, HugeTableIsRefusedAtInstantiation) {
  auto l = load(wat("(module (table 100000000 funcref))"));
  EXPECT_EQ(l.status.code(), ErrorCode::kLimitExceeded);
}

void leb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

void section(std::vector<uint8_t>& module, uint8_t id, const std::vector<uint8_t>& payload) {
  module.push_back(id);
  leb(module, static_cast<uint32_t>(payload.size()));
  module.insert(module.end(), payload.begin(), payload.end());
}

// A module with one memory of `pages` pages and one data segment of `size` bytes at offset 0.
std::vector<uint8_t> giant_data_module(uint32_t pages, uint32_t size) {
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  std::vector<uint8_t> memory = {0x01, 0x00};
  leb(memory, pages);
  section(m, 5, memory);
  std::vector<uint8_t> data = {0x01, 0x00, 0x41, 0x00, 0x0B};  // one segment at i32.const 0
  leb(data, size);
  data.resize(data.size() + size, 0xAB);
  section(m, 11, data);
  return m;
}

TEST(Bombs, GiantDataSegmentTrapsOrRunsOutOfGas) {
  // 3 MiB of data for a 1-page memory: out of bounds at instantiation.
  auto compiled = compile(giant_data_module(1, 3u << 20));
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  Store store;
  Linker linker;
  GasMeter gas(100'000'000);
  EXPECT_EQ(store.instantiate(compiled.value(), linker, gas).status().code(), ErrorCode::kTrapMemoryOutOfBounds);
  // 3 MiB into a memory large enough: paid per byte, so a small budget runs out before copying.
  auto fits = compile(giant_data_module(100, 3u << 20));
  ASSERT_TRUE(fits.ok());
  GasMeter small(200'000);
  EXPECT_EQ(store.instantiate(fits.value(), linker, small).status().code(), ErrorCode::kTrapOutOfGas);
}

TEST(Bombs, ManyFunctionsWithManyLocalsDecodeInBoundedMemory) {
  // 10000 functions declaring 50000 locals each: 6 bytes per body, 5e8 locals if expanded.
  const uint32_t n = 10000;
  std::vector<uint8_t> m = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  section(m, 1, {0x01, 0x60, 0x00, 0x00});
  std::vector<uint8_t> functions;
  leb(functions, n);
  functions.resize(functions.size() + n, 0x00);
  section(m, 3, functions);
  std::vector<uint8_t> code;
  leb(code, n);
  for (uint32_t i = 0; i < n; ++i) code.insert(code.end(), {0x06, 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B});
  section(m, 10, code);
  auto compiled = compile(m);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  EXPECT_EQ(compiled.value()->functions[0].num_locals, 50000u);
}

TEST(Bombs, LocalsArePaidForOnEveryCall) {
  std::string locals;
  for (int i = 0; i < 40000; ++i) locals += " i64";
  auto l = load(wat("(module (func (export \"f\") (local" + locals + ")))"));
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  GasMeter gas(1'000'000);
  ASSERT_TRUE(run(l, "f", gas).ok());
  EXPECT_GE(gas.used(), 40000u);
}

TEST(Bombs, OversizedModulesAndBodiesAreRefusedAtDecode) {
  CompileOptions options;
  options.limits.max_module_size = 1 << 20;
  EXPECT_EQ(compile(giant_data_module(1, 2u << 20), options).status().code(), ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace bciin::wasm
