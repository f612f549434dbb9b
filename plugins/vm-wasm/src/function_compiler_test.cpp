// The translator's output: gas placement, charging branches and peephole fusion, checked through
// the disassembly. Semantics are covered by the interpreter and spec tests; these pin the shape.
#include <gtest/gtest.h>

#include "disassembler.h"
#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::wat;

std::string listing(const std::string& text, bool metering = true, size_t function = 0) {
  CompileOptions options;
  options.metering = metering;
  auto m = compile(wat(text), options);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return internal::disassemble(m.value()->functions.at(function));
}

const char* kLoop = R"wat((module (func (param $n i32) (result i32) (local $i i32)
  (block $done (loop $next
    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br $next)))
  (local.get $i))))wat";

TEST(FunctionCompiler, MeteredLoopsChargeOnTheBackEdge) {
  std::string code = listing(kLoop);
  // Entry block, loop header block; the back edge jumps past the header's Gas and pays its cost.
  EXPECT_NE(code.find("entry_pc 2"), std::string::npos) << code;
  EXPECT_NE(code.find("JumpGas"), std::string::npos) << code;
  EXPECT_EQ(code.find("Jump "), std::string::npos) << code;
}

TEST(FunctionCompiler, FusesCompareAndBranchAndConstantAdds) {
  std::string code = listing(kLoop, false);
  EXPECT_NE(code.find("LocalGet2 1 0"), std::string::npos) << code;
  EXPECT_NE(code.find("I32GeUBrIf"), std::string::npos) << code;
  EXPECT_NE(code.find("I32AddConst 1"), std::string::npos) << code;
  EXPECT_EQ(code.find("Gas"), std::string::npos) << code;  // unmetered: no gas at all
}

TEST(FunctionCompiler, DoesNotFuseAcrossLabels) {
  // The i32.const before the block's end and the i32.add after it must stay apart: a branch to the
  // label arrives between them.
  std::string code = listing(R"wat((module (func (param i32) (result i32)
    (i32.add (local.get 0) (block (result i32) (br_if 0 (i32.const 7) (local.get 0)) (drop) (i32.const 1))))))wat",
                             false);
  EXPECT_NE(code.find("I32Add\n"), std::string::npos) << code;
  EXPECT_EQ(code.find("I32AddConst"), std::string::npos) << code;
}

TEST(FunctionCompiler, IfChargesBothArmsThroughTheBranch) {
  std::string code = listing(R"wat((module (func (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))))wat");
  EXPECT_NE(code.find("JumpIfZeroGas"), std::string::npos) << code;
}

}  // namespace
}  // namespace bciin::wasm
