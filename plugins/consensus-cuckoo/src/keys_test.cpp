#include "bciin/cuckoo/keys.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>

namespace bciin::cuckoo {
namespace {

// cuckoo.md 11.2: 80 zero bytes with the nonce LE u32 in bytes 76..79.
TEST(DeriveKeys, DerivedForGrinVectors) {
  const Hash256 zero{};
  EXPECT_EQ(keys_for(zero, 20), (SipKeys{0x27580576fe290177, 0xf9ea9b2031f4e76e, 0x1663308c8607868f, 0xb88839b0fa180d0e}));
  EXPECT_EQ(keys_for(zero, 99), (SipKeys{0x8785f61f3e087286, 0x91b57e6072a0cdaa, 0x8035f9ee251a77a0, 0x0de03da786148f07}));
  EXPECT_EQ(keys_for(zero, 17), (SipKeys{0xfd0724533e254344, 0xe92d57cae433da09, 0xfae2a33585783146, 0xdff11f10fd83c908}));
  EXPECT_EQ(keys_for(zero, 79), (SipKeys{0x8c9c604bfbb3c16a, 0xabbb59969a3a3135, 0x12ae44d3e2ac3a57, 0xe89e38063ad43da8}));
}

// Published in the reference's GPU.md (empty header).
TEST(DeriveKeys, ReferenceGpuMd) {
  const Hash256 zero{};
  EXPECT_EQ(keys_for(zero, 0), (SipKeys{0xa34c6a2bdaa03a14, 0xd736650ae53eee9e, 0x9a22f05e3bffed5e, 0xb8d55478fa3a606d}));
  EXPECT_EQ(keys_for(zero, 1), (SipKeys{0xbe6c0ae25622e409, 0xede28d78411671d4, 0x74ffaa51c7aa70ac, 0x2ab552193088c87a}));
  EXPECT_EQ(keys_for(zero, 60), (SipKeys{0x275f9313c78adcec, 0xc3dc47d972920e25, 0x41f8c5d51abbf1e7, 0x74da5cc5b52b2a0b}));
  EXPECT_EQ(keys_for(zero, 61), (SipKeys{0x4178123b6607deb3, 0x596e493a0fe04022, 0x0685fbcfc1d315fe, 0x7cf66796fc0083c1}));
  EXPECT_EQ(keys_for(zero, 62), (SipKeys{0x544f44b2b17afc97, 0x4ba38ecebc2fa72c, 0x21e2c32bba7f6196, 0x4d8886ccba77435b}));
}

TEST(HeaderBuffer, Layout) {
  Hash256 h{};
  for (unsigned i = 0; i < 32; ++i) h[i] = static_cast<uint8_t>(i + 1);
  const HeaderBuffer b = make_header_buffer(h, 0x04030201);
  for (unsigned i = 0; i < 32; ++i) EXPECT_EQ(b[i], i + 1);
  for (unsigned i = 32; i < 76; ++i) EXPECT_EQ(b[i], 0);
  EXPECT_EQ(b[76], 1);
  EXPECT_EQ(b[77], 2);
  EXPECT_EQ(b[78], 3);
  EXPECT_EQ(b[79], 4);
  EXPECT_EQ(keys_for(h, 0x04030201), derive_keys(b));
}

TEST(Blake2b, Is256NotTruncated512) {
  const std::array<uint8_t, 3> abc{'a', 'b', 'c'};
  const Hash256 h = blake2b_256(abc);
  // BLAKE2b-256("abc") = bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319
  const Hash256 expect{0xbd, 0xdd, 0x81, 0x3c, 0x63, 0x42, 0x39, 0x72, 0x31, 0x71, 0xef, 0x3f, 0xee, 0x98, 0x57, 0x9b,
                       0x94, 0x96, 0x4e, 0x3b, 0xb1, 0xcb, 0x3e, 0x42, 0x72, 0x62, 0xc8, 0xc0, 0x68, 0xd5, 0x23, 0x19};
  EXPECT_EQ(h, expect);
}

}  // namespace
}  // namespace bciin::cuckoo
