#include <bciin/chain/ed25519.h>
#include <bciin/chain/hash.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

TEST(Blake2b256, KnownVectors) {
  EXPECT_EQ(ToHex(Blake2b256(ByteView())),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(ToHex(Blake2b256(AsView(std::string_view("abc")))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Blake2b256, PartsEqualWhole) {
  EXPECT_EQ(Blake2b256({AsView(std::string_view("ab")), AsView(std::string_view("c"))}),
            Blake2b256(AsView(std::string_view("abc"))));
}

TEST(Ed25519, SignVerifyAndTamper) {
  KeyPair k = KeyPair::Generate();
  Bytes msg = {1, 2, 3};
  Signature sig = k.Sign(msg);
  EXPECT_TRUE(VerifySignature(k.public_key(), msg, sig));
  msg[0] ^= 1;
  EXPECT_FALSE(VerifySignature(k.public_key(), msg, sig));
  msg[0] ^= 1;
  sig[10] ^= 4;
  EXPECT_FALSE(VerifySignature(k.public_key(), msg, sig));
}

TEST(Ed25519, SeedIsDeterministic) {
  std::array<uint8_t, 32> seed{};
  seed[0] = 7;
  EXPECT_EQ(KeyPair::FromSeed(seed).public_key(), KeyPair::FromSeed(seed).public_key());
}

TEST(Ed25519, KeyFileRoundTrip) {
  std::string path = ::testing::TempDir() + "/bciin_key_test.hex";
  KeyPair k = KeyPair::Generate();
  ASSERT_TRUE(k.Save(path).ok());
  KeyPair loaded = KeyPair::Generate();
  ASSERT_TRUE(KeyPair::Load(path, &loaded).ok());
  EXPECT_EQ(loaded.public_key(), k.public_key());
  EXPECT_FALSE(KeyPair::Load(path + ".missing", &loaded).ok());
}

}  // namespace
}  // namespace bciin::chain
