#include <bciin/chain/hash.h>
#include <bciin/chain/light_client.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

struct Fixture {
  MemoryNodeStore store;
  StateRoots roots;
  Header header;

  Fixture() {
    std::vector<SmtUpdate> ups;
    for (uint8_t i = 0; i < 20; ++i) {
      Bytes key = {i, 1};
      ups.push_back({Blake2b256(key), key, Bytes{i, 2}});
    }
    Hash accounts;
    EXPECT_TRUE(SparseMerkleTree::Update(store, kZeroHash, ups, store.Writer(), &accounts).ok());
    roots.subtrees = {{"accounts", accounts}, {"names", kZeroHash}};
    header.height = 5;
    header.state_root = roots.Root();
  }

  StateProof Prove(const std::string& subtree, Bytes key) {
    StateProof p;
    p.subtree = subtree;
    p.key = key;
    p.roots = roots;
    EXPECT_TRUE(SparseMerkleTree::Prove(store, *roots.Find(subtree), Blake2b256(key), &p.proof).ok());
    return p;
  }
};

TEST(LightClient, ProvesPresenceAndAbsence) {
  Fixture f;
  std::optional<Bytes> value;
  ASSERT_TRUE(VerifyStateProof(f.header, f.Prove("accounts", {3, 1}), &value).ok());
  EXPECT_EQ(value, (Bytes{3, 2}));
  ASSERT_TRUE(VerifyStateProof(f.header, f.Prove("accounts", {99, 1}), &value).ok());
  EXPECT_FALSE(value.has_value());
  ASSERT_TRUE(VerifyStateProof(f.header, f.Prove("names", {3, 1}), &value).ok());
  EXPECT_FALSE(value.has_value());
}

TEST(LightClient, FromBytes) {
  Fixture f;
  std::optional<Bytes> value;
  Status s = VerifyStateProof(Encode(f.header), Encode(f.Prove("accounts", {3, 1})), &value);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(value, (Bytes{3, 2}));
}

TEST(LightClient, RejectsForgeries) {
  Fixture f;
  std::optional<Bytes> value;
  StateProof p = f.Prove("accounts", {3, 1});
  // Another header.
  Header other = f.header;
  other.state_root[0] ^= 1;
  EXPECT_TRUE(VerifyStateProof(other, p, &value).is(BCIIN_ERR_REJECTED));
  // A changed value.
  StateProof changed = p;
  changed.proof.value[0] ^= 1;
  EXPECT_FALSE(VerifyStateProof(f.header, changed, &value).ok());
  // A proof for another key presented as this one.
  StateProof moved = p;
  moved.key = {4, 1};
  EXPECT_FALSE(VerifyStateProof(f.header, moved, &value).ok());
  // A subtree the state does not have.
  StateProof missing = p;
  missing.subtree = "oracles";
  EXPECT_FALSE(VerifyStateProof(f.header, missing, &value).ok());
}

}  // namespace
}  // namespace bciin::chain
