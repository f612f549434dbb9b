#include <bciin/chain/amount.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

TEST(Amount, CheckedArithmetic) {
  EXPECT_EQ(Amount(2).Add(Amount(3))->lo(), 5u);
  EXPECT_FALSE(Amount::Max().Add(Amount(1)).has_value());
  EXPECT_FALSE(Amount(1).Sub(Amount(2)).has_value());
  EXPECT_EQ(Amount(5).Sub(Amount(5))->raw(), 0u);
  EXPECT_FALSE(Amount::Max().Mul(Amount(2)).has_value());
  EXPECT_EQ(Amount::Mul64(UINT64_MAX, UINT64_MAX)->hi(), UINT64_MAX - 1);
}

TEST(Amount, DecimalRoundTrip) {
  EXPECT_EQ(Amount::Max().ToString(), "340282366920938463463374607431768211455");
  EXPECT_EQ(Amount::Parse("340282366920938463463374607431768211455"), Amount::Max());
  EXPECT_FALSE(Amount::Parse("340282366920938463463374607431768211456").has_value());
  EXPECT_FALSE(Amount::Parse("").has_value());
  EXPECT_FALSE(Amount::Parse("-1").has_value());
  EXPECT_FALSE(Amount::Parse("1e5").has_value());
  EXPECT_EQ(Amount::Parse("0")->ToString(), "0");
  EXPECT_EQ(Amount::Parse("1000000000000000000000")->ToString(), "1000000000000000000000");
}

}  // namespace
}  // namespace bciin::chain
