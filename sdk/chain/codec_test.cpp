#include <bciin/chain/objects.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

struct Flagged {
  bool flag = false;
  uint32_t n = 0;
  template <class Io>
  void Serialize(Io& io) {
    io.Version(3);
    io.Bool(flag);
    io.U32(n);
  }
};

TEST(Codec, LittleEndianFixedWidth) {
  Flagged f{true, 0x01020304};
  EXPECT_EQ(Encode(f), (Bytes{3, 1, 4, 3, 2, 1}));
}

TEST(Codec, RoundTrip) {
  Account a{Amount::FromParts(5, 7), 9, 11};
  Bytes b = Encode(a);
  EXPECT_EQ(b.size(), 1u + 16 + 8 + 8);
  Account back;
  ASSERT_TRUE(DecodeCanonical(b, &back, "account").ok());
  EXPECT_EQ(back, a);
}

TEST(Codec, RejectsTrailingBytes) {
  Bytes b = Encode(Account{});
  b.push_back(0);
  Account back;
  Status s = DecodeCanonical(b, &back, "account");
  EXPECT_TRUE(s.is(BCIIN_ERR_INVALID_ARGUMENT));
  EXPECT_NE(s.message().find("non-canonical"), std::string::npos);
}

TEST(Codec, RejectsNonCanonicalBool) {
  Bytes b = {3, 2, 0, 0, 0, 0};
  Flagged f;
  Status s = DecodeCanonical(b, &f, "flagged");
  EXPECT_NE(s.message().find("non-canonical"), std::string::npos) << s.ToString();
}

TEST(Codec, RejectsTruncationAndWrongVersion) {
  Bytes b = Encode(Account{});
  Account back;
  for (size_t n = 0; n < b.size(); ++n)
    EXPECT_FALSE(DecodeCanonical(ByteView(b.data(), n), &back, "account").ok()) << n;
  b[0] = 2;
  Status s = DecodeCanonical(b, &back, "account");
  EXPECT_NE(s.message().find("unsupported version"), std::string::npos) << s.ToString();
}

TEST(Codec, RejectsOversizedLengthBeforeAllocating) {
  Tx tx;
  Bytes b = Encode(tx);
  // The payload length is the last 4 bytes of an empty-payload envelope.
  b[b.size() - 4] = 0xFF;
  b[b.size() - 3] = 0xFF;
  b[b.size() - 2] = 0xFF;
  b[b.size() - 1] = 0x7F;
  Tx back;
  Status s = DecodeCanonical(b, &back, "tx");
  EXPECT_NE(s.message().find("over its limit"), std::string::npos) << s.ToString();
}

TEST(Codec, RejectsUnsortedStateRoots) {
  StateRoots roots;
  roots.subtrees = {{"b", {}}, {"a", {}}};
  StateRoots back;
  Status s = DecodeCanonical(Encode(roots), &back, "roots");
  EXPECT_NE(s.message().find("ascending"), std::string::npos) << s.ToString();
  roots.subtrees = {{"a", {}}, {"a", {}}};
  EXPECT_FALSE(DecodeCanonical(Encode(roots), &back, "roots").ok());
}

}  // namespace
}  // namespace bciin::chain
