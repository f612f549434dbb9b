#include <bciin/chain/hash.h>
#include <bciin/chain/objects.h>

#include <gtest/gtest.h>

#include <cstring>

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

TEST(Tx, SignatureCheckFromTheEncodingAgreesWithTheObject) {
  KeyPair k = KeyPair::Generate();
  SignedTx stx = SignTx("net-a", SampleTx(k), k);
  EXPECT_TRUE(CheckTxSignature("net-a", stx, Encode(stx)));
  EXPECT_FALSE(CheckTxSignature("net-b", stx, Encode(stx)));
  SignedTx changed = stx;
  changed.tx.nonce = 2;
  EXPECT_FALSE(CheckTxSignature("net-a", changed, Encode(changed)));
  EXPECT_FALSE(CheckTxSignature("net-a", stx, Bytes(10, 0)));
}

TEST(Account, DirectCodecMatchesTheArchive) {
  const Account samples[] = {{}, {Amount(7), 3, 99},
                             {Amount::FromParts(~0ull, ~0ull >> 1), ~0ull, 1ull << 40}};
  for (const Account& a : samples) {
    const Bytes direct = EncodeAccount(a);
    EXPECT_EQ(direct, Encode(a));
    Account back, archived;
    ASSERT_TRUE(DecodeAccount(direct, &back).ok());
    ASSERT_TRUE(DecodeTrusted(direct, &archived, "account").ok());
    EXPECT_EQ(back, a);
    EXPECT_EQ(archived, a);
  }
  Bytes bad = EncodeAccount(Account{});
  bad[0] = 2;
  EXPECT_FALSE(DecodeAccount(bad, nullptr).ok());
  bad.pop_back();
  EXPECT_FALSE(DecodeAccount(bad, nullptr).ok());
}

// The direct decoder accepts exactly what DecodeCanonical accepts, with the same fields and
// the same error, for valid payloads and for every truncation, extension and bad length.
TEST(SpendPayload, DirectDecoderMatchesTheArchive) {
  KeyPair k = KeyPair::FromSeed({3});
  const SpendPayload samples[] = {{k.public_key(), Amount(5), {}},
                                  {k.public_key(), Amount::FromParts(~0ull, 7), Bytes(300, 'd')}};
  for (const SpendPayload& p : samples) {
    const Bytes valid = Encode(p);
    std::vector<Bytes> inputs = {valid, Bytes(), Bytes(1, 1), Bytes(1, 2)};
    for (size_t n = 0; n < valid.size(); ++n) inputs.emplace_back(valid.begin(), valid.begin() + static_cast<long>(n));
    Bytes longer = valid;
    longer.push_back(0);
    inputs.push_back(longer);
    Bytes version = valid;
    version[0] = 2;
    inputs.push_back(version);
    Bytes over = valid;
    const uint32_t too_long = kMaxSpendData + 1;
    std::memcpy(over.data() + 49, &too_long, 4);
    inputs.push_back(over);
    for (const Bytes& in : inputs) {
      SpendPayload direct, archived;
      const Status a = DecodeSpendPayload(in, &direct);
      const Status b = DecodeCanonical(in, &archived, "spend payload");
      ASSERT_EQ(a.ok(), b.ok()) << in.size() << " bytes: " << a.ToString() << " / " << b.ToString();
      EXPECT_EQ(a.ToString(), b.ToString());
      if (a.ok()) {
        EXPECT_EQ(direct.recipient, archived.recipient);
        EXPECT_EQ(direct.amount, archived.amount);
        EXPECT_EQ(direct.data, archived.data);
        EXPECT_EQ(Encode(direct), in);
      }
    }
  }
}

TEST(Tx, SignedRoundTripIsCanonical) {
  KeyPair k = KeyPair::Generate();
  SignedTx stx = SignTx("net", SampleTx(k), k);
  Bytes b = Encode(stx);
  SignedTx back;
  ASSERT_TRUE(DecodeCanonical(b, &back, "tx").ok());
  EXPECT_EQ(Encode(back), b);
  EXPECT_EQ(TxHash(back), TxHash(stx));
  EXPECT_EQ(EncodedSize(stx), b.size());
  stx.tx.payload.resize(1000);
  EXPECT_EQ(EncodedSize(stx), Encode(stx).size());
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
