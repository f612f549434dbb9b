#include <bciin/chain/address.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

TEST(Address, RoundTripAndPrefix) {
  PublicKey k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i * 7);
  std::string id = AccountId(k);
  EXPECT_EQ(id.substr(0, 3), "ak_");
  PublicKey back{};
  ASSERT_TRUE(DecodeId(kAccountPrefix, id, &back).ok());
  EXPECT_EQ(back, k);
  // The same bytes under another prefix are refused: the checksum covers the prefix.
  std::string as_block = "bh_" + id.substr(3);
  Status s = DecodeId(kBlockHashPrefix, as_block, &back);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("checksum"), std::string::npos);
  EXPECT_FALSE(DecodeId(kBlockHashPrefix, id, &back).ok());
}

TEST(Address, DetectsTyposAndGarbage) {
  PublicKey k{};
  k[3] = 9;
  std::string id = AccountId(k);
  std::string typo = id;
  typo[10] = typo[10] == 'a' ? 'b' : 'a';
  PublicKey back{};
  EXPECT_FALSE(DecodeId(kAccountPrefix, typo, &back).ok());
  EXPECT_FALSE(DecodeId(kAccountPrefix, "ak_0OIl", &back).ok());  // not base58
  EXPECT_FALSE(DecodeId(kAccountPrefix, "ak_", &back).ok());
  EXPECT_FALSE(DecodeId(kAccountPrefix, "ak", &back).ok());
}

TEST(Base58, LeadingZeros) {
  Bytes in = {0, 0, 1, 2};
  auto out = Base58Decode(Base58Encode(in));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, in);
  EXPECT_EQ(Base58Encode(Bytes{0}), "1");
}

}  // namespace
}  // namespace bciin::chain
