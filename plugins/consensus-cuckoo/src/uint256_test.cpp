#include "bciin/cuckoo/uint256.h"

#include <gtest/gtest.h>

namespace bciin::cuckoo {
namespace {

U256 hex(const char* h) {
  U256 v;
  EXPECT_TRUE(U256::from_hex(h, &v)) << h;
  return v;
}

TEST(U256, BytesAndHexRoundTrip) {
  const U256 v = hex("0x00000000FFFF0000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(U256::from_be_bytes(v.to_be_bytes()), v);
  EXPECT_EQ(v.to_hex(), "00000000ffff0000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(v.bit_length(), 224u);
  U256 bad;
  EXPECT_FALSE(U256::from_hex("xyz", &bad));
  EXPECT_FALSE(U256::from_hex(std::string(65, '1'), &bad));
}

TEST(U256, Arithmetic) {
  EXPECT_EQ(U256::max() + U256(1), U256(0));
  EXPECT_EQ(U256(0) - U256(1), U256::max());
  EXPECT_EQ((U256(1) << 200) >> 199, U256(2));
  EXPECT_EQ(U256(1) << 256, U256(0));
  EXPECT_EQ(U256::add_saturating(U256::max(), U256(5)), U256::max());
  bool overflow = false;
  U256::mul(U256(1) << 255, 2, &overflow);
  EXPECT_TRUE(overflow);
  EXPECT_EQ(U256::mul(U256(7), 6), U256(42));
  U256 q, r;
  U256::divmod((U256(1) << 100) + U256(5), U256(1) << 50, &q, &r);
  EXPECT_EQ(q, U256(1) << 50);
  EXPECT_EQ(r, U256(5));
  EXPECT_LT(U256(3), U256(1) << 64);
  EXPECT_EQ(U256(1175073517793766964ull).to_decimal(), "1175073517793766964");
}

}  // namespace
}  // namespace bciin::cuckoo
