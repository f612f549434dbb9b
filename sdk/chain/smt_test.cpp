#include <bciin/chain/hash.h>
#include <bciin/chain/smt.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace bciin::chain {
namespace {

Bytes Key(uint32_t i) { return {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i >> 16), 0x6b}; }
Bytes Value(uint32_t i, uint32_t gen) { return {static_cast<uint8_t>(i), static_cast<uint8_t>(gen), 0x76}; }

SmtUpdate Put(const Bytes& key, Bytes value) { return {Blake2b256(key), key, std::move(value)}; }
SmtUpdate Del(const Bytes& key) { return {Blake2b256(key), key, std::nullopt}; }

Hash Apply(MemoryNodeStore& store, const Hash& root, std::vector<SmtUpdate> ups) {
  Hash out;
  Status s = SparseMerkleTree::Update(store, root, std::move(ups), store.Writer(), &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(Smt, EmptyTree) {
  MemoryNodeStore store;
  std::optional<Bytes> v;
  ASSERT_TRUE(SparseMerkleTree::Get(store, kZeroHash, Blake2b256(Key(1)), &v).ok());
  EXPECT_FALSE(v.has_value());
  SmtProof p;
  ASSERT_TRUE(SparseMerkleTree::Prove(store, kZeroHash, Blake2b256(Key(1)), &p).ok());
  EXPECT_TRUE(VerifySmtProof(kZeroHash, Blake2b256(Key(1)), std::nullopt, p).ok());
}

TEST(Smt, SingleLeafRootIsLeafHash) {
  MemoryNodeStore store;
  Hash root = Apply(store, kZeroHash, {Put(Key(1), Value(1, 0))});
  EXPECT_EQ(root, SparseMerkleTree::LeafHash(Blake2b256(Key(1)), Value(1, 0)));
  // Deleting the only entry gives back the empty root.
  EXPECT_EQ(Apply(store, root, {Del(Key(1))}), kZeroHash);
}

// The model: a std::map. Random batches of puts and deletes; after each, every key's value,
// proof of inclusion and non-inclusion, and the root's independence from history are checked.
TEST(Smt, MatchesModelWithProofs) {
  std::mt19937 rng(42);
  MemoryNodeStore store;
  std::map<Bytes, Bytes> model;
  Hash root = kZeroHash;
  for (uint32_t gen = 0; gen < 40; ++gen) {
    std::vector<SmtUpdate> ups;
    int n = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) {
      uint32_t k = rng() % 64;
      if (rng() % 4 == 0) {
        ups.push_back(Del(Key(k)));
        model.erase(Key(k));
      } else {
        ups.push_back(Put(Key(k), Value(k, gen)));
        model[Key(k)] = Value(k, gen);
      }
    }
    root = Apply(store, root, ups);

    // The same set built from scratch in one batch, in another order, gives the same root.
    MemoryNodeStore fresh;
    std::vector<SmtUpdate> all;
    for (auto& [k, v] : model) all.push_back(Put(k, v));
    std::shuffle(all.begin(), all.end(), rng);
    EXPECT_EQ(Apply(fresh, kZeroHash, all), root) << "generation " << gen;

    for (uint32_t k = 0; k < 64; ++k) {
      Hash path = Blake2b256(Key(k));
      std::optional<Bytes> v;
      ASSERT_TRUE(SparseMerkleTree::Get(store, root, path, &v).ok());
      auto it = model.find(Key(k));
      std::optional<Bytes> expected;
      if (it != model.end()) expected = it->second;
      EXPECT_EQ(v, expected);
      SmtProof proof;
      ASSERT_TRUE(SparseMerkleTree::Prove(store, root, path, &proof).ok());
      EXPECT_TRUE(VerifySmtProof(root, path, expected, proof).ok());
      // The proof does not hold for the opposite claim.
      if (expected) {
        EXPECT_FALSE(VerifySmtProof(root, path, std::nullopt, proof).ok());
        Bytes other = *expected;
        other[0] ^= 1;
        EXPECT_FALSE(VerifySmtProof(root, path, other, proof).ok());
      } else {
        EXPECT_FALSE(VerifySmtProof(root, path, Bytes{1}, proof).ok());
      }
      // Encoded proofs decode canonically to the same proof.
      SmtProof back;
      ASSERT_TRUE(DecodeCanonical(Encode(proof), &back, "proof").ok());
      EXPECT_TRUE(VerifySmtProof(root, path, expected, back).ok());
    }
  }
}

TEST(Smt, TamperedProofFails) {
  MemoryNodeStore store;
  std::vector<SmtUpdate> ups;
  for (uint32_t k = 0; k < 100; ++k) ups.push_back(Put(Key(k), Value(k, 1)));
  Hash root = Apply(store, kZeroHash, ups);
  Hash path = Blake2b256(Key(5));
  SmtProof proof;
  ASSERT_TRUE(SparseMerkleTree::Prove(store, root, path, &proof).ok());
  ASSERT_FALSE(proof.siblings.empty());
  proof.siblings[0][0] ^= 1;
  EXPECT_TRUE(VerifySmtProof(root, path, Value(5, 1), proof).is(BCIIN_ERR_REJECTED));
}

TEST(Smt, ForEachVisitsAll) {
  MemoryNodeStore store;
  std::vector<SmtUpdate> ups;
  for (uint32_t k = 0; k < 50; ++k) ups.push_back(Put(Key(k), Value(k, 1)));
  Hash root = Apply(store, kZeroHash, ups);
  size_t count = 0;
  ASSERT_TRUE(SparseMerkleTree::ForEach(store, root, [&](ByteView key, ByteView value) {
                ++count;
                EXPECT_EQ(key.size(), 4u);
                EXPECT_EQ(value[0], key[0]);
              }).ok());
  EXPECT_EQ(count, 50u);
}

TEST(Smt, MissingNodeIsCorruption) {
  MemoryNodeStore store;
  Hash root = Apply(store, kZeroHash, {Put(Key(1), Value(1, 0)), Put(Key(2), Value(2, 0))});
  MemoryNodeStore empty;
  std::optional<Bytes> v;
  EXPECT_TRUE(SparseMerkleTree::Get(empty, root, Blake2b256(Key(1)), &v).is(BCIIN_ERR_CORRUPTION));
}

}  // namespace
}  // namespace bciin::chain
