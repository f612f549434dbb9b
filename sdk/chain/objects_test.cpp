#include <bciin/chain/hash.h>
#include <bciin/chain/objects.h>

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

Tx SampleTx(const KeyPair& k) {
  Tx tx;
  tx.type = kSpendTxType;
  tx.sender = k.public_key();
  tx.nonce = 1;
  tx.gas = 20000;
  tx.gas_price = 1;
  tx.payload = Encode(SpendPayload{k.public_key(), Amount(5), {}});
  return tx;
}

TEST(Tx, SignatureBindsNetworkId) {
  KeyPair k = KeyPair::Generate();
  SignedTx stx = SignTx("net-a", SampleTx(k), k);
  EXPECT_TRUE(CheckTxSignature("net-a", stx));
  EXPECT_FALSE(CheckTxSignature("net-b", stx));
  stx.tx.nonce = 2;
  EXPECT_FALSE(CheckTxSignature("net-a", stx));
}

TEST(Tx, SignedRoundTripIsCanonical) {
  KeyPair k = KeyPair::Generate();
  SignedTx stx = SignTx("net", SampleTx(k), k);
  Bytes b = Encode(stx);
  SignedTx back;
  ASSERT_TRUE(DecodeCanonical(b, &back, "tx").ok());
  EXPECT_EQ(Encode(back), b);
  EXPECT_EQ(TxHash(back), TxHash(stx));
}

TEST(Header, SealHashIgnoresSeal) {
  Header h;
  h.height = 3;
  Hash before = h.SealHash();
  h.seal = {1, 2, 3};
  EXPECT_EQ(h.SealHash(), before);
  EXPECT_NE(h.BlockHash(), before);
}

TEST(TxRoot, ShapeAndOrder) {
  EXPECT_EQ(TxRoot({}), kZeroHash);
  Hash a = Blake2b256(Bytes{1}), b = Blake2b256(Bytes{2}), c = Blake2b256(Bytes{3});
  EXPECT_NE(TxRoot({a, b}), TxRoot({b, a}));
  EXPECT_NE(TxRoot({a, b, c}), TxRoot({a, b}));
  EXPECT_NE(TxRoot({a}), a);  // leaves are domain-separated from tx hashes
}

TEST(StateRoots, RootCommitsToEverySubtree) {
  StateRoots r;
  r.subtrees = {{"accounts", Blake2b256(Bytes{1})}, {"oracles", kZeroHash}};
  Hash before = r.Root();
  r.subtrees[1].root[0] = 1;
  EXPECT_NE(r.Root(), before);
  EXPECT_NE(r.Find("accounts"), nullptr);
  EXPECT_EQ(r.Find("names"), nullptr);
}

}  // namespace
}  // namespace bciin::chain
