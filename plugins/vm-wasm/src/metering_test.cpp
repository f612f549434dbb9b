// Gas: charged per basic block from the schedule in gas_schedule.h, deterministic, and switchable off.
#include <gtest/gtest.h>

#include "bciin/wasm/gas_schedule.h"
#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::load;
using testing::wat;

uint64_t gas_of(testing::Loaded& l, const std::string& name, std::vector<Value> args, Status* status = nullptr,
                uint64_t limit = 1ull << 40) {
  GasMeter gas(limit);
  std::vector<Value> results;
  Status s = l.call(name, std::move(args), &results, gas);
  if (status) *status = s;
  return gas.used();
}

const char* kCounter = R"wat((module (memory 1)
  (func (export "add") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func (export "count") (param $n i32)
    (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "grow") (drop (memory.grow (i32.const 2))))))wat";

TEST(Metering, ChargesTheScheduleExactly) {
  auto l = load(wat(kCounter));
  ASSERT_TRUE(l.status.ok());
  EXPECT_EQ(gas_of(l, "add", {}), 3u);
  EXPECT_EQ(gas_of(l, "count", {Value::I32(10)}), 50u);  // 5 per iteration
  EXPECT_EQ(gas_of(l, "count", {Value::I32(1000)}), 5000u);
  EXPECT_EQ(gas_of(l, "grow", {}), 1 + instruction_gas(0x40) + 1 + 2 * kGasPerMemoryPage);
}

TEST(Metering, RunsOutOfGasAtTheSameBlockEveryTime) {
  auto l = load(wat(kCounter));
  Status s;
  EXPECT_EQ(gas_of(l, "count", {Value::I32(10)}, &s, 49), 49u);
  EXPECT_EQ(s.code(), ErrorCode::kTrapOutOfGas);
  EXPECT_EQ(gas_of(l, "count", {Value::I32(10)}, &s, 50), 50u);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(gas_of(l, "add", {}, &s, 2), 2u);
  EXPECT_EQ(s.code(), ErrorCode::kTrapOutOfGas);
}

TEST(Metering, CanBeSwitchedOff) {
  CompileOptions off;
  off.metering = false;
  auto l = load(wat(kCounter), off);
  Status s;
  EXPECT_EQ(gas_of(l, "count", {Value::I32(1000)}, &s, 10), 0u);
  EXPECT_TRUE(s.ok());
}

TEST(Metering, UnitGasCountsInstructions) {
  CompileOptions unit;
  unit.unit_gas = true;
  auto l = load(wat(kCounter), unit);
  EXPECT_EQ(gas_of(l, "add", {}), 4u);  // two consts, add, end
}

TEST(Metering, InstantiationPaysForMemoryAndData) {
  auto compiled = compile(wat(R"wat((module (memory 2) (data (i32.const 0) "0123456789abcdef")))wat"));
  ASSERT_TRUE(compiled.ok());
  Store store;
  Linker linker;
  GasMeter gas(1'000'000);
  ASSERT_TRUE(store.instantiate(compiled.value(), linker, gas).ok());
  EXPECT_EQ(gas.used(), 2 * kGasPerMemoryPage + 2 * kGasPerDataByte8);
  GasMeter little(100);
  EXPECT_EQ(store.instantiate(compiled.value(), linker, little).status().code(), ErrorCode::kTrapOutOfGas);
}

}  // namespace
}  // namespace bciin::wasm
