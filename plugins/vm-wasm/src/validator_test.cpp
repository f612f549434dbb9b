#include <gtest/gtest.h>

#include "bciin/wasm/compiled_module.h"
#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::wat;

Status check(const std::string& text, CompileOptions options = {}, const std::string& flags = "") {
  return validate(wat(text, flags), options);
}

TEST(Validator, AcceptsWellTypedCode) {
  EXPECT_TRUE(check(R"wat((module (func (param i32 i64) (result i64)
      (block (result i64) (i64.extend_i32_u (local.get 0)) (local.get 1) (i64.add)))))wat")
                  .ok());
}

TEST(Validator, RefusesTypeMismatchWithOffset) {
  Status s = check(R"wat((module (func (result i32) (i64.const 1) (i32.const 2) (i32.add))))wat",
                   {}, "--no-check");
  EXPECT_EQ(s.code(), ErrorCode::kInvalid);
  EXPECT_NE(s.message().find("type mismatch"), std::string::npos);
  EXPECT_NE(s.offset(), Status::kNoOffset);
}

TEST(Validator, TreatsTheStackAfterUnreachableAsPolymorphic) {
  EXPECT_TRUE(check(R"wat((module (func (result i32) (unreachable) (i32.add) (i64.const 0) (drop))))wat").ok());
  EXPECT_TRUE(check(R"wat((module (func (result i64) (block (result i64) (br 0 (i64.const 1)) (i32.eqz)))))wat",
                    {}, "--no-check").ok() == false);
  EXPECT_TRUE(check(R"wat((module (func (result i32) (return (i32.const 1)) (select))))wat").ok());
}

TEST(Validator, RefusesUnknownIndices) {
  EXPECT_EQ(check("(module (func (br 1)))", {}, "--no-check").code(), ErrorCode::kInvalid);
  EXPECT_EQ(check("(module (func (call 5)))", {}, "--no-check").code(), ErrorCode::kInvalid);
  EXPECT_EQ(check("(module (func (drop (local.get 3))))", {}, "--no-check").code(), ErrorCode::kInvalid);
  EXPECT_EQ(check("(module (func (drop (i32.load (i32.const 0)))))", {}, "--no-check").code(),
            ErrorCode::kInvalid);
}

TEST(Validator, RefusesWritesToImmutableGlobals) {
  EXPECT_EQ(check("(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))", {}, "--no-check").code(),
            ErrorCode::kInvalid);
}

TEST(Validator, RefusesFloatingPointNamingFeatureAndOffset) {
  Status s = check(R"wat((module (func (drop (i32.const 1)) (drop (f32.const 1)))))wat");
  EXPECT_EQ(s.code(), ErrorCode::kUnsupported);
  EXPECT_NE(s.message().find("floating point"), std::string::npos);
  EXPECT_NE(s.offset(), Status::kNoOffset);
}

TEST(Validator, RefusesSimdBulkMemoryAndReferenceTypes) {
  EXPECT_EQ(check("(module (func (drop (i32x4.splat (i32.const 1)))))").code(), ErrorCode::kUnsupported);
  EXPECT_EQ(check("(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))").code(),
            ErrorCode::kUnsupported);
  EXPECT_EQ(check("(module (func (drop (ref.null func))))").code(), ErrorCode::kUnsupported);
}

TEST(Validator, SwitchesOptionalFeaturesOff) {
  CompileOptions strict;
  strict.features = Features{false, false, false};
  const char* sign_ext = "(module (func (result i32) (i32.extend8_s (i32.const 1))))";
  EXPECT_TRUE(check(sign_ext).ok());
  EXPECT_EQ(check(sign_ext, strict).code(), ErrorCode::kUnsupported);
  const char* multi = "(module (func (result i32 i32) (i32.const 1) (i32.const 2)))";
  EXPECT_TRUE(check(multi).ok());
  EXPECT_EQ(check(multi, strict).code(), ErrorCode::kUnsupported);
  const char* mut_global = "(module (global (export \"g\") (mut i32) (i32.const 0)))";
  EXPECT_TRUE(check(mut_global).ok());
  EXPECT_EQ(check(mut_global, strict).code(), ErrorCode::kUnsupported);
}

TEST(Validator, LimitsNestingDepth) {
  std::string text = "(module (func ";
  for (int i = 0; i < 100; ++i) text += "(block ";
  for (int i = 0; i < 100; ++i) text += ")";
  text += "))";
  CompileOptions options;
  options.limits.max_control_depth = 50;
  EXPECT_EQ(check(text, options).code(), ErrorCode::kLimitExceeded);
  EXPECT_TRUE(check(text).ok());
}

TEST(Validator, ChecksModuleLevelRules) {
  EXPECT_EQ(check("(module (func $f (param i32)) (start $f))", {}, "--no-check").code(), ErrorCode::kInvalid);
  EXPECT_EQ(check("(module (func (export \"a\")) (func (export \"a\")))", {}, "--no-check").code(),
            ErrorCode::kInvalid);
  EXPECT_EQ(check("(module (memory 2 1))", {}, "--no-check").code(), ErrorCode::kInvalid);
}

TEST(Validator, ModuleLevelErrorsNameTheEntryOffset) {
  auto bytes = wat("(module (func (export \"a\")) (func (export \"a\")))", "--no-check");
  Status s = validate(bytes);
  ASSERT_EQ(s.code(), ErrorCode::kInvalid);
  ASSERT_LT(s.offset(), bytes.size());
  EXPECT_EQ(bytes[s.offset()], 1);  // the second export's name length...
  EXPECT_EQ(bytes[s.offset() + 1], 'a');  // ...and name
  EXPECT_NE(s.ToString().find("duplicate export name"), std::string::npos);
}

}  // namespace
}  // namespace bciin::wasm
