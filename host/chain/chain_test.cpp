#include "producer.h"
#include "testnet.h"

#include <bciin/chain/hash.h>
#include <bciin/chain/light_client.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace bciin::chain {
namespace {

// A ledger extension for tests: subtree "probe", type 900. Payload byte 0: 0 = write key
// "k" = payload and succeed, 1 = write then fail (REJECTED), 2 = burn all gas, 3 = invalid.
class ProbeExtension : public sdk::LedgerExtensionBackend {
 public:
  ProbeExtension() : types_{{900, 1, 1, "probe", 1000}}, table_(this, "probe", types_) {}
  const bciin_ledger_extension* table() const { return table_.table(); }
  Status Check(uint16_t, uint8_t, std::string_view payload) override {
    return payload.empty() ? Status::InvalidArgument("empty probe") : Status();
  }
  Status Apply(uint16_t, uint8_t, std::string_view payload, const bciin_tx_context&,
               const sdk::LedgerView& view) override {
    BCIIN_RETURN_IF_ERROR(view.ChargeGas(500));
    BCIIN_RETURN_IF_ERROR(view.Put("k", payload));
    switch (payload[0]) {
      case 1: return Status::Rejected("probe says no");
      case 2: return view.ChargeGas(UINT64_MAX / 2);
      case 3: return Status::InvalidArgument("probe is malformed");
      default: return Status();
    }
  }
  Status Genesis(std::string_view config, const sdk::LedgerView& view) override {
    return view.Put("genesis", config);
  }

 private:
  std::vector<bciin_tx_type_decl> types_;
  sdk::LedgerExtensionTable table_;
};

SignedTx Probe(const TestNet& net, size_t from, uint8_t mode, uint64_t nonce, uint64_t gas = 200000) {
  Tx tx;
  tx.type = 900;
  tx.sender = net.user(from).public_key();
  tx.nonce = nonce;
  tx.gas = gas;
  tx.gas_price = 2;
  tx.payload = {mode, 7};
  return SignTx(net.genesis().params.network_id, tx, net.user(from));
}

uint64_t IntrinsicOf(const SignedTx& stx, uint64_t base) {
  return base + kGasPerByte * Encode(stx.tx).size();
}

TEST(Chain, GenesisAllocatesAndIsStable) {
  TestNet net;
  EXPECT_EQ(net.chain().head().height, 0u);
  EXPECT_EQ(net.Balance(net.user(0).public_key()), Amount(1'000'000'000));
  Hash g = net.chain().genesis_hash();
  ASSERT_TRUE(net.Open().ok());
  EXPECT_EQ(net.chain().genesis_hash(), g);
}

TEST(Chain, SpendMovesValuePaysGasRewardsProducer) {
  TestNet net;
  const PublicKey a = net.user(0).public_key(), b = net.user(1).public_key();
  const PublicKey fresh = KeyPair::Generate().public_key();
  const uint64_t gas = TestNet::SpendGas() + 5000;  // 5000 more than needed: refunded
  SignedTx t1 = net.Spend(0, b, Amount(100), 1, gas, 3);
  SignedTx t2 = net.Spend(0, fresh, Amount(7), 2, gas, 3);
  Hash h1, h2;
  ASSERT_TRUE(net.chain().SubmitTransaction(Encode(t1), &h1).ok());
  ASSERT_TRUE(net.chain().SubmitTransaction(t2, &h2).ok());
  EXPECT_EQ(net.chain().mempool_size(), 2u);
  Block block;
  ASSERT_TRUE(net.Produce(&block).ok());
  ASSERT_EQ(block.txs.size(), 2u);
  EXPECT_EQ(net.chain().mempool_size(), 0u);
  const uint64_t used = TestNet::SpendGas();
  const Amount fees = Amount(2 * used * 3);
  EXPECT_EQ(net.Balance(a), Amount(1'000'000'000 - 107 - 2 * used * 3));
  EXPECT_EQ(net.Balance(b), Amount(1'000'000'100));
  EXPECT_EQ(net.Balance(fresh), Amount(7));  // created by the transfer
  EXPECT_EQ(net.Nonce(a), 2u);
  EXPECT_EQ(net.Balance(net.authority().public_key()), *Amount(1000).Add(fees));
  BlockMeta meta;
  ASSERT_TRUE(net.chain().GetMeta(net.chain().head_hash(), &meta).ok());
  ASSERT_EQ(meta.outcomes.size(), 2u);
  EXPECT_TRUE(meta.outcomes[0].success);
  EXPECT_EQ(meta.outcomes[0].gas_used, used);
  EXPECT_EQ(block.header.gas_used, 2 * used);
}

TEST(Chain, FailingTransactionPaysFeeAndLeavesNoOtherTrace) {
  ProbeExtension probe;
  TestNetOptions o;
  o.extensions = {probe.table()};
  TestNet net(o);
  const PublicKey a = net.user(0).public_key();
  const PublicKey producer = net.authority().public_key();
  ASSERT_TRUE(net.chain().SubmitTransaction(Probe(net, 0, 0, 1), nullptr).ok());
  ASSERT_TRUE(net.Produce().ok());
  std::optional<Bytes> v;
  ASSERT_TRUE(net.chain().GetState("probe", AsView(std::string_view("k")), &v).ok());
  EXPECT_EQ(v, (Bytes{0, 7}));
  ASSERT_TRUE(net.chain().GetState("probe", AsView(std::string_view("genesis")), &v).ok());
  EXPECT_EQ(v, (Bytes{'n', 'u', 'l', 'l'}));  // the extension's genesis ran

  // The mempool refuses a transaction that would fail now...
  Status refused = net.chain().SubmitTransaction(Probe(net, 0, 1, 2), nullptr);
  EXPECT_NE(refused.message().find("would fail"), std::string::npos) << refused.ToString();
  EXPECT_NE(refused.message().find("probe says no"), std::string::npos);

  // ...but a block may carry failing transactions: they pay for their gas, the rest is undone.
  const Amount before = net.Balance(a);
  const Amount producer_before = net.Balance(producer);
  SignedTx fail = Probe(net, 0, 1, 2);
  SignedTx burn = Probe(net, 0, 2, 3);
  SignedTx invalid = Probe(net, 0, 3, 4);
  net.clock() += 1000;
  Block b;
  ASSERT_TRUE(net.chain().BuildBlockFrom(producer, net.clock(), {fail, burn, invalid}, &b).ok());
  ASSERT_EQ(b.txs.size(), 2u);  // the invalid one is left out
  net.Seal(&b);
  ImportResult r;
  Status s = net.chain().ImportBlock(Encode(b), &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(r.new_head);
  const uint64_t fail_gas = IntrinsicOf(fail, 1000) + 500;
  const uint64_t burn_gas = 200000;
  const uint64_t cost = (fail_gas + burn_gas) * 2;
  EXPECT_EQ(net.Balance(a), *before.Sub(Amount(cost)));
  EXPECT_EQ(net.Nonce(a), 3u);
  EXPECT_EQ(net.Balance(producer), *producer_before.Add(Amount(cost + 1000)));
  ASSERT_TRUE(net.chain().GetState("probe", AsView(std::string_view("k")), &v).ok());
  EXPECT_EQ(v, (Bytes{0, 7}));  // both failed writes undone
  BlockMeta meta;
  ASSERT_TRUE(net.chain().GetMeta(r.hash, &meta).ok());
  ASSERT_EQ(meta.outcomes.size(), 2u);
  EXPECT_FALSE(meta.outcomes[0].success);
  EXPECT_NE(meta.outcomes[0].error.find("probe says no"), std::string::npos);
  EXPECT_EQ(meta.outcomes[0].gas_used, fail_gas);
  EXPECT_FALSE(meta.outcomes[1].success);
  EXPECT_EQ(meta.outcomes[1].gas_used, burn_gas);
  Hash recomputed;
  ASSERT_TRUE(net.chain().RecomputeStateRoot(&recomputed, nullptr).ok());
  EXPECT_EQ(recomputed, net.chain().head().state_root);
}

TEST(Chain, ReopenKeepsHeadAndState) {
  TestNet net;
  for (uint64_t n = 1; n <= 3; ++n) {
    ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(0, net.user(1).public_key(), Amount(1), n), nullptr).ok());
    ASSERT_TRUE(net.Produce().ok());
  }
  Hash head = net.chain().head_hash();
  Amount bal = net.Balance(net.user(1).public_key());
  ASSERT_TRUE(net.Open().ok());
  EXPECT_EQ(net.chain().head_hash(), head);
  EXPECT_EQ(net.chain().head().height, 3u);
  EXPECT_EQ(net.Balance(net.user(1).public_key()), bal);
  Hash recomputed;
  uint64_t blocks = 0;
  ASSERT_TRUE(net.chain().RecomputeStateRoot(&recomputed, &blocks).ok());
  EXPECT_EQ(recomputed, net.chain().head().state_root);
  EXPECT_EQ(blocks, 3u);
}

TEST(Chain, AnotherGenesisIsRefused) {
  TestNet net;
  TestNetOptions o;
  o.network_id = "other-net";
  o.kv = net.kv().table();
  EXPECT_THROW(TestNet other(o), std::runtime_error);
}

TEST(Chain, ProofsVerifyAgainstHeaders) {
  TestNet net;
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(0, net.user(1).public_key(), Amount(5), 1), nullptr).ok());
  ASSERT_TRUE(net.Produce().ok());
  StateProof proof;
  Header header;
  const PublicKey b = net.user(1).public_key();
  ASSERT_TRUE(net.chain().Prove(kAccountsSubtree, b, std::nullopt, &proof, &header).ok());
  std::optional<Bytes> value;
  Status s = VerifyStateProof(Encode(header), Encode(proof), &value);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(value.has_value());
  Account acc;
  ASSERT_TRUE(DecodeCanonical(*value, &acc, "account").ok());
  EXPECT_EQ(acc.balance, Amount(1'000'000'005));
  // Absence.
  PublicKey nobody = KeyPair::Generate().public_key();
  ASSERT_TRUE(net.chain().Prove(kAccountsSubtree, nobody, std::nullopt, &proof, &header).ok());
  ASSERT_TRUE(VerifyStateProof(header, proof, &value).ok());
  EXPECT_FALSE(value.has_value());
  // A proof at genesis still verifies against the genesis header (old states stay readable).
  Hash g = net.chain().genesis_hash();
  ASSERT_TRUE(net.chain().Prove(kAccountsSubtree, b, g, &proof, &header).ok());
  ASSERT_TRUE(VerifyStateProof(header, proof, &value).ok());
  ASSERT_TRUE(DecodeCanonical(*value, &acc, "account").ok());
  EXPECT_EQ(acc.balance, Amount(1'000'000'000));
}

TEST(Chain, MaintenanceFeeAccruesSinceLastUpdate) {
  TestNetOptions o;
  o.maintenance_fee = Amount(10);
  o.block_reward = Amount(0);
  TestNet net(o);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(net.Produce().ok());
  // Untouched since genesis: the stored balance has not moved yet.
  const PublicKey b = net.user(1).public_key();
  EXPECT_EQ(net.Balance(b), Amount(1'000'000'000));
  // Touched at height 5 (a transfer to it): 5 blocks of fee accrue.
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(0, b, Amount(1), 1), nullptr).ok());
  ASSERT_TRUE(net.Produce().ok());
  EXPECT_EQ(net.Balance(b), Amount(1'000'000'000 - 50 + 1));
}

TEST(Chain, ProducedBlocksCarryMempoolOrderByGasPrice) {
  TestNet net;
  const PublicKey dst = net.user(3).public_key();
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(0, dst, Amount(1), 1, 0, 1), nullptr).ok());
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(1, dst, Amount(1), 1, 0, 9), nullptr).ok());
  ASSERT_TRUE(net.chain().SubmitTransaction(net.Spend(2, dst, Amount(1), 1, 0, 4), nullptr).ok());
  Block b;
  ASSERT_TRUE(net.Produce(&b).ok());
  ASSERT_EQ(b.txs.size(), 3u);
  EXPECT_EQ(b.txs[0].tx.gas_price, 9u);
  EXPECT_EQ(b.txs[1].tx.gas_price, 4u);
  EXPECT_EQ(b.txs[2].tx.gas_price, 1u);
}

}  // namespace
}  // namespace bciin::chain

namespace bciin::chain {
namespace {

TEST(BlockProducer, ProducesUntilStopped) {
  TestNet net;  // dev consensus, interval 0: a block whenever asked
  std::atomic<uint64_t> seen{0};
  BlockProducer producer(&net.chain(), net.authority().public_key(),
                         [&](const Block& b, const ImportResult& r) {
                           EXPECT_TRUE(r.new_head);
                           seen = b.header.height;
                         });
  producer.Start();
  for (int i = 0; i < 2000 && producer.produced() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  producer.Stop();
  EXPECT_GE(producer.produced(), 3u);
  EXPECT_EQ(net.chain().head().height, producer.produced());
  EXPECT_EQ(seen.load(), producer.produced());
  producer.Stop();  // idempotent
}

}  // namespace
}  // namespace bciin::chain
