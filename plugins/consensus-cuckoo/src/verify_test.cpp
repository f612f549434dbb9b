#include "bciin/cuckoo/verify.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "bciin/cuckoo/keys.h"
#include "test_vectors.h"

namespace bciin::cuckoo {
namespace {

using testing::kV1_29;
using testing::kV1_31;
using testing::kV1_32;
using testing::kV1_33;

SipKeys zero_header_keys(uint32_t nonce) { return keys_for(Hash256{}, nonce); }

TEST(Verify, PublicVectorsPass) {
  for (const auto* v : {&kV1_29, &kV1_31, &kV1_32, &kV1_33})
    EXPECT_EQ(verify(zero_header_keys(v->nonce), v->edges, v->edge_bits), VerifyCode::kOk) << v->edge_bits;
}

TEST(Verify, CodeNamesAndMessages) {
  EXPECT_EQ(static_cast<int>(VerifyCode::kShortCycle), 7);
  EXPECT_EQ(verify_code_name(VerifyCode::kOk), "POW_OK");
  EXPECT_EQ(verify_code_name(VerifyCode::kBranch), "POW_BRANCH");
  EXPECT_EQ(verify_code_message(VerifyCode::kNonMatching), "endpoints don't match up");
  EXPECT_EQ(verify_code_message(VerifyCode::kDeadEnd), "cycle dead ends");
}

// cuckoo.md 11.5, mutations of V1_29 (nonce 20) unless stated.
TEST(Verify, NegativeVectors) {
  const SipKeys keys = zero_header_keys(20);
  Proof p = kV1_29.edges;
  p[0] = 0x48a9e1;
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kNonMatching);

  Hash256 h{};
  h[0] = 1;
  EXPECT_EQ(verify(keys_for(h, 20), kV1_29.edges, 29), VerifyCode::kNonMatching);
  EXPECT_EQ(verify(zero_header_keys(21), kV1_29.edges, 29), VerifyCode::kNonMatching);

  HeaderBuffer be{};
  be[76] = 0; be[77] = 0; be[78] = 0; be[79] = 20;  // nonce big-endian
  EXPECT_EQ(verify(derive_keys(be), kV1_29.edges, 29), VerifyCode::kNonMatching);

  // Keys loaded big-endian from the digest.
  const Hash256 digest = blake2b_256(make_header_buffer(Hash256{}, 20));
  auto be64 = [&](unsigned w) { uint64_t v = 0; for (unsigned i = 0; i < 8; ++i) v = (v << 8) | digest[8 * w + i]; return v; };
  EXPECT_EQ(verify(SipKeys{be64(0), be64(1), be64(2), be64(3)}, kV1_29.edges, 29), VerifyCode::kNonMatching);

  // 246 zero bytes with the nonce at 240..243 (the reference lean layout).
  std::vector<uint8_t> lean(246, 0);
  lean[240] = 20;
  EXPECT_EQ(verify(derive_keys(lean), kV1_29.edges, 29), VerifyCode::kNonMatching);

  EXPECT_EQ(verify(keys, kV1_29.edges, 30), VerifyCode::kNonMatching);
  EXPECT_EQ(verify(keys, kV1_29.edges, 28), VerifyCode::kTooBig);
  EXPECT_EQ(verify(zero_header_keys(99), kV1_31.edges, 29), VerifyCode::kTooBig);

  p = kV1_29.edges;
  p[41] = uint64_t{1} << 29;
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kTooBig);
  p = kV1_29.edges;
  p[3] = uint64_t{1} << 30;
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kTooBig);

  p = kV1_29.edges;
  std::swap(p[0], p[1]);
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kTooSmall);
  p = kV1_29.edges;
  p[1] = p[0];
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kTooSmall);
  p = kV1_29.edges;
  std::reverse(p.begin(), p.end());
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kTooSmall);
  EXPECT_EQ(verify(keys, Proof{}, 29), VerifyCode::kTooSmall);
  for (unsigned i = 0; i < kProofSize; ++i) p[i] = i;
  EXPECT_EQ(verify(keys, p, 29), VerifyCode::kNonMatching);
}

TEST(Verify, Blake2b512TruncatedKeysFail) {
  const HeaderBuffer b = make_header_buffer(Hash256{}, 20);
  uint8_t d512[64];
  crypto_generichash(d512, sizeof d512, b.data(), b.size(), nullptr, 0);
  SipKeys k;
  uint64_t* words[] = {&k.k0, &k.k1, &k.k2, &k.k3};
  for (unsigned w = 0; w < 4; ++w)
    for (unsigned i = 0; i < 8; ++i) *words[w] |= uint64_t{d512[8 * w + i]} << (8 * i);
  EXPECT_EQ(verify(k, kV1_29.edges, 29), VerifyCode::kNonMatching);
}

TEST(Verify, EdgeBitsOutOfRange) {
  EXPECT_EQ(verify(zero_header_keys(20), kV1_29.edges, 0), VerifyCode::kTooBig);
  EXPECT_EQ(verify(zero_header_keys(20), kV1_29.edges, 64), VerifyCode::kTooBig);
}

// Project-made structured cases on synthetic endpoints (no public vectors exist for these codes).
// A node-pair cycle of length L through U pairs a_0.. and V pairs b_0..: edge i joins U pair a_(i/2)
// and V pair b_((i+1)/2 mod L/2); consecutive edges use different members of each pair.
struct Builder {
  uint64_t ends[2 * kProofSize] = {};
  unsigned next = 0;
  // Appends a cycle of `len` edges (even) over fresh pairs starting at pair number `base`.
  void cycle(unsigned len, uint64_t base) {
    for (unsigned i = 0; i < len; ++i) {
      const uint64_t upair = base + i / 2, vpair = base + ((i + 1) / 2) % (len / 2);
      ends[2 * next] = 2 * upair + (i & 1);
      ends[2 * next + 1] = 2 * vpair + ((i + 1) & 1);
      ++next;
    }
  }
};

TEST(VerifyEndpoints, ConstructedFullCycleIsOk) {
  Builder b;
  b.cycle(42, 100);
  EXPECT_EQ(verify_endpoints(b.ends), VerifyCode::kOk);
}

TEST(VerifyEndpoints, ConstructedShortCycle) {
  // Two disjoint node-pair cycles of 20 and 22 edges: the xor test passes, the walk closes after 20.
  Builder b;
  b.cycle(20, 100);
  b.cycle(22, 500);
  EXPECT_EQ(verify_endpoints(b.ends), VerifyCode::kShortCycle);
}

TEST(VerifyEndpoints, ConstructedBranch) {
  // Two cycles of 20 and 22 edges sharing one U pair: four positions in that pair.
  Builder b;
  b.cycle(20, 100);
  b.cycle(22, 500);
  // Move the second cycle's first U pair (edges 20 and 21) onto U pair 100 of the first cycle.
  b.ends[2 * 20] = 2 * 100 + 0;
  b.ends[2 * 21] = 2 * 100 + 1;
  EXPECT_EQ(verify_endpoints(b.ends), VerifyCode::kBranch);
}

TEST(VerifyEndpoints, ConstructedDeadEnd) {
  // A 42-cycle of pairs in which two U pairs are entered and left through the same node (not a
  // matching). Two such defects keep the U xor at 1, so only the walk can catch them.
  Builder b;
  b.cycle(42, 100);
  b.ends[2 * 1] = b.ends[2 * 0];    // edges 0 and 1 both at the same member of U pair 100
  b.ends[2 * 3] = b.ends[2 * 2];    // edges 2 and 3 likewise in U pair 101
  EXPECT_EQ(verify_endpoints(b.ends), VerifyCode::kDeadEnd);
}

TEST(VerifyEndpoints, XorFailsFirst) {
  Builder b;
  b.cycle(42, 100);
  b.ends[0] ^= 2;
  EXPECT_EQ(verify_endpoints(b.ends), VerifyCode::kNonMatching);
}

}  // namespace
}  // namespace bciin::cuckoo
