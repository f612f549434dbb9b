#include "bciin/cuckoo/difficulty.h"

#include <gtest/gtest.h>

#include "test_vectors.h"

namespace bciin::cuckoo {
namespace {

std::string hex(const Hash256& h) {
  std::string s;
  for (uint8_t b : h) s += "0123456789abcdef"[b >> 4], s += "0123456789abcdef"[b & 15];
  return s;
}

U256 from_hex(const char* h) {
  U256 v;
  EXPECT_TRUE(U256::from_hex(h, &v));
  return v;
}

// cuckoo.md 11.6.
TEST(CycleHash, DerivedTargetHashes) {
  EXPECT_EQ(hex(cycle_hash(testing::kV1_29.edges, 29)), "018e0ea93337dcdcc76eab83a3b09ddbb5a70f4fbeeebb7b61f6c6f109f30a3a");
  EXPECT_EQ(hex(cycle_hash(testing::kV1_31.edges, 31)), "7916d7bd02b81f86a28b108fa4f523095eef6a102c8c3df5004277e19ab85863");
  EXPECT_EQ(hex(cycle_hash(testing::kV1_32.edges, 32)), "62dc842fc04befa9a30bf6684f4fb55fbec6b068ef52431a941fe979f0bb5531");
  EXPECT_EQ(hex(cycle_hash(testing::kV1_33.edges, 33)), "3c010888ecb44d5f093072c185f96c3f0d4bb219667095603c47f23bda9d0bb7");
}

TEST(CycleHash, ReferenceCyclehash) {
  EXPECT_EQ(hex(reference_cyclehash(testing::kV1_29.edges, 29)), "da39564f0eaf0deb45e51b6f436f54b3f48b1ae5ab7be324c3d25fff1eb89925");
  EXPECT_EQ(hex(reference_cyclehash(testing::kV1_31.edges, 31)), "c11f1f37a807ac29dafbdb606f97192c8f659797d23b3b3ad4ce16687cdc690e");
}

TEST(CycleHash, EqualsHashOfSealEdgePart) {
  const Seal s{29, 20, testing::kV1_29.edges};
  const std::vector<uint8_t> bytes = encode_seal(s);
  EXPECT_EQ(blake2b_256(std::span<const uint8_t>(bytes).subspan(5)), cycle_hash(s.edges, 29));
}

// cuckoo.md 11.7 (aeternity integer_to_scientific / scientific_to_integer).
TEST(Compact, Encode) {
  EXPECT_EQ(target_to_compact(U256(1)), 0x01010000u);
  EXPECT_EQ(target_to_compact(U256(255)), 0x0200ff00u);
  EXPECT_EQ(target_to_compact(U256(256)), 0x02010000u);
  EXPECT_EQ(target_to_compact(U256(257)), 0x02010100u);
  EXPECT_EQ(target_to_compact(U256(0x800000)), 0x04008000u);
  EXPECT_EQ(target_to_compact(U256(0x800001)), 0x04008000u);
  EXPECT_EQ(target_to_compact(from_hex("00000000000404CB000000000000000000000000000000000000000000000000")), 0x1b0404cbu);
  EXPECT_EQ(target_to_compact(from_hex("00000000FFFF0000000000000000000000000000000000000000000000000000")), 0x1d00ffffu);
  EXPECT_EQ(target_to_compact(from_hex("FFFF000000000000000000000000000000000000000000000000000000000000")), 0x2100ffffu);
}

TEST(Compact, Decode) {
  EXPECT_EQ(compact_to_target(0x01010000), U256(1));
  EXPECT_EQ(compact_to_target(0x0200ff00), U256(255));
  EXPECT_EQ(compact_to_target(0x04008000), U256(0x800000));
  EXPECT_EQ(compact_to_target(0x2100ffff), U256(0xFFFF) << 240);
  EXPECT_FALSE(compact_to_target(0x04800000));  // sign bit
  EXPECT_FALSE(compact_to_target(0x04000000));  // zero
  EXPECT_FALSE(compact_to_target(0x2201ffff));  // above 2^256
  EXPECT_FALSE(compact_to_target(0xff7fffff));
}

Hash256 bytes_with(std::initializer_list<std::pair<unsigned, uint8_t>> set) {
  Hash256 h{};
  for (auto [i, v] : set) h[i] = v;
  return h;
}

TEST(Target, StrictlyBelow) {
  EXPECT_TRUE(hash_meets_compact(bytes_with({{5, 0x04}, {6, 0x04}, {7, 0xca}}), 0x1b0404cb));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{5, 0x04}, {6, 0x04}, {7, 0xcc}, {31, 1}}), 0x1b0404cb));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{2, 0x01}, {5, 0x04}, {6, 0x04}, {7, 0xca}, {31, 1}}), 0x1b0404cb));
  EXPECT_TRUE(hash_meets_compact(bytes_with({{30, 0x04}, {31, 0x03}}), 0x02040400));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{30, 0x04}, {31, 0x04}}), 0x02040400));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{30, 0x04}, {31, 0x05}}), 0x02040400));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{10, 0x01}, {30, 0x04}, {31, 0x03}}), 0x020404cb));
  EXPECT_TRUE(hash_meets_compact(bytes_with({{31, 0x03}}), 0x01040000));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{31, 0x04}}), 0x01040000));
  EXPECT_TRUE(hash_meets_compact(bytes_with({{0, 0xff}, {1, 0xfe}}), 0x2100ffff));
  EXPECT_FALSE(hash_meets_compact(bytes_with({{0, 0xff}, {1, 0xff}, {2, 0xfe}}), 0x2100ffff));
  EXPECT_FALSE(hash_meets_compact(Hash256{}, 0x04800000));  // invalid compact never meets
}

TEST(Work, FloorOfTwoTo256OverTargetPlusOne) {
  EXPECT_EQ(work_for_target(U256::max()), U256(1));
  EXPECT_EQ(work_for_target(U256(1) << 255), U256(1));          // 2^256 / (2^255 + 1) = 1.99...
  EXPECT_EQ(work_for_target((U256(1) << 255) - U256(1)), U256(2));
  EXPECT_EQ(work_for_target(U256(0)), U256::max());
  EXPECT_EQ(work_for_target((U256(1) << 224) - U256(1)), U256(1) << 32);
  // aeternity's difficulty is 2^24 * highest / target; the same ordering and ratio up to rounding.
  const U256 w1 = work_for_compact(0x1b0404cb), w2 = work_for_compact(0x2100ffff);
  EXPECT_GT(w1, w2);
  EXPECT_EQ(work_for_compact(0x04800000), U256(0));
  // Cumulative work adds; a chain of two easy blocks outweighs one easier block.
  EXPECT_EQ(w2 + w2, U256::mul(w2, 2));
}

TEST(Work, AeternityDifficultyVector) {
  // target_to_difficulty(0x1b0404cb) = 2^24 * 0xFFFF * 2^240 / (0x0404cb * 2^192) = 1175073517793766964014
  const U256 target = *compact_to_target(0x1b0404cb);
  const U256 scaled = (U256(0xFFFF) << 72) / (target >> 192);
  EXPECT_EQ(scaled.to_decimal(), "1175073517793766964014");
}

TEST(BlockWeight, ProportionalToWorkWithSixteenMoreBits) {
  EXPECT_EQ(block_weight(kHighestCompactTarget), 65537u);       // 2^32 / 0xffff, rounded down
  EXPECT_EQ(work_for_compact(kHighestCompactTarget), U256(1));  // what plain work cannot resolve
  EXPECT_EQ(block_weight(0x207fffff), 131072u);                 // (2^23 - 1) * 2^232: just under 2^255
  EXPECT_GT(block_weight(0x2067ffff), block_weight(0x207fffff));  // a harder target weighs more
  EXPECT_EQ(block_weight(0x1f00ffff), 4295032833u);            // 0xffff * 2^224
  EXPECT_EQ(block_weight(0x1d00ffff), 281479271743489u);        // Bitcoin's highest target: about 2^48
  EXPECT_EQ(block_weight(0x1a00ffff), UINT64_MAX);              // below 2^208: saturates
  EXPECT_EQ(block_weight(0x00800000), 0u);                      // invalid compact
}

}  // namespace
}  // namespace bciin::cuckoo
