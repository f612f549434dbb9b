#include "bciin/cuckoo/proof.h"

#include <gtest/gtest.h>

namespace bciin::cuckoo {
namespace {

Proof ascending(uint64_t start, uint64_t step) {
  Proof p{};
  for (unsigned i = 0; i < kProofSize; ++i) p[i] = start + i * step;
  return p;
}

TEST(Seal, LayoutAt29Bits) {
  Seal s{29, 0x04030201, ascending(0x01020304, 1)};
  const std::vector<uint8_t> bytes = encode_seal(s);
  ASSERT_EQ(bytes.size(), 173u);
  EXPECT_EQ(bytes[0], 29);
  EXPECT_EQ(bytes[1], 0x01);  // nonce little-endian
  EXPECT_EQ(bytes[4], 0x04);
  EXPECT_EQ(bytes[5], 0x01);  // first edge big-endian
  EXPECT_EQ(bytes[8], 0x04);
  EXPECT_EQ(bytes[172], 0x04 + 41);
  EXPECT_EQ(decode_seal(bytes), s);
}

TEST(Seal, EightByteEdgesAbove31Bits) {
  Seal s{33, 7, ascending(uint64_t{1} << 32, 3)};
  const std::vector<uint8_t> bytes = encode_seal(s);
  ASSERT_EQ(bytes.size(), 341u);
  EXPECT_EQ(bytes[5 + 3], 0x01);  // bit 32 lands in the 4th byte of an 8-byte big-endian word
  EXPECT_EQ(decode_seal(bytes), s);
  EXPECT_EQ(seal_size(31), 173u);
  EXPECT_EQ(seal_size(32), 341u);
}

TEST(Seal, RejectsBadLengthAndEdgeBits) {
  std::string why;
  std::vector<uint8_t> bytes = encode_seal({19, 1, ascending(1, 1)});
  bytes.pop_back();
  EXPECT_FALSE(decode_seal(bytes, &why));
  EXPECT_NE(why.find("expected 173"), std::string::npos) << why;
  bytes.push_back(0);
  bytes[0] = 0;
  EXPECT_FALSE(decode_seal(bytes, &why));
  bytes[0] = 64;
  EXPECT_FALSE(decode_seal(bytes, &why));
  EXPECT_FALSE(decode_seal({}, &why));
}

TEST(ParseProof, ReferenceSolutionLine) {
  std::string line = "Solution";
  for (unsigned i = 0; i < kProofSize; ++i) line += " " + std::to_string(10 + i);  // hex digits
  std::optional<Proof> p = parse_proof(line, true);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)[0], 0x10u);
  EXPECT_EQ(format_proof_hex(*p).substr(0, 5), "10 11");
}

TEST(ParseProof, DecimalCommasAndErrors) {
  std::string text = "[";
  for (unsigned i = 0; i < kProofSize; ++i) text += std::to_string(i) + ", ";
  text += "]";
  ASSERT_TRUE(parse_proof(text, false));
  EXPECT_EQ((*parse_proof(text, false))[41], 41u);
  std::string why;
  EXPECT_FALSE(parse_proof("1 2 3", false, &why));
  EXPECT_NE(why.find("3 edges"), std::string::npos);
  EXPECT_FALSE(parse_proof(text + " 42", false, &why));
  EXPECT_FALSE(parse_proof("zz", true, &why));
  EXPECT_FALSE(parse_proof("0x" + std::string(20, 'f'), true, &why));
}

}  // namespace
}  // namespace bciin::cuckoo
