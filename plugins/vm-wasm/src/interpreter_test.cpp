#include <gtest/gtest.h>

#include "test_util.h"

namespace bciin::wasm {
namespace {

using testing::load;
using testing::wat;

TEST(Interpreter, Factorial) {
  auto l = load(wat(R"wat((module
    (func $fac (export "fac") (param i64) (result i64)
      (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
        (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))))wat"));
  ASSERT_TRUE(l.status.ok()) << l.status.ToString();
  EXPECT_EQ(l.call_ok("fac", {Value::I64(20)}), 2432902008176640000ull);
}

}  // namespace
}  // namespace bciin::wasm
