// Every bad input of the issue: rejected with a reason, and nothing committed changes.
#include "testnet.h"

#include <gtest/gtest.h>

namespace bciin::chain {
namespace {

// What must not move when something is rejected.
struct Committed {
  Hash head;
  uint64_t height;
  std::vector<Amount> balances;
  std::vector<uint64_t> nonces;

  static Committed Of(TestNet& net, size_t users = 4) {
    Committed c{net.chain().head_hash(), net.chain().head().height, {}, {}};
    for (size_t i = 0; i < users; ++i) {
      c.balances.push_back(net.Balance(net.user(i).public_key()));
      c.nonces.push_back(net.Nonce(net.user(i).public_key()));
    }
    return c;
  }
  bool operator==(const Committed& o) const {
    return head == o.head && height == o.height && balances == o.balances && nonces == o.nonces;
  }
};

#define EXPECT_REJECTED_WITH(expr, reason)                                              \
  do {                                                                                  \
    Status s_ = (expr);                                                                 \
    EXPECT_FALSE(s_.ok());                                                              \
    EXPECT_NE(s_.message().find(reason), std::string::npos) << "got: " << s_.ToString(); \
  } while (0)

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNet>(Options());
    ASSERT_TRUE(net_->chain().SubmitTransaction(net_->Spend(0, Dst(), Amount(5), 1), nullptr).ok());
    ASSERT_TRUE(net_->Produce().ok());
    before_ = Committed::Of(*net_);
    pool_before_ = net_->chain().mempool_size();
  }
  void TearDown() override {
    EXPECT_TRUE(Committed::Of(*net_) == before_) << "committed state changed";
    EXPECT_EQ(net_->chain().mempool_size(), pool_before_);
  }
  virtual TestNetOptions Options() { return {}; }
  PublicKey Dst() const { return net_->user(3).public_key(); }
  Status Submit(const SignedTx& stx) { return net_->chain().SubmitTransaction(Encode(stx), nullptr); }

  // A valid next block, sealed; tests break one thing and re-seal.
  Block NextBlock(std::vector<SignedTx> txs = {}) {
    Block b;
    EXPECT_TRUE(net_->chain().BuildBlockFrom(net_->authority().public_key(), net_->clock() + 1000, std::move(txs), &b).ok());
    net_->Seal(&b);
    return b;
  }
  Status Import(Block b, bool reseal = true) {
    if (reseal) net_->Seal(&b);
    return net_->chain().ImportBlock(Encode(b), nullptr);
  }

  std::unique_ptr<TestNet> net_;
  Committed before_;
  size_t pool_before_ = 0;
};

TEST_F(BadInput, BadSignature) {
  SignedTx stx = net_->Spend(0, Dst(), Amount(1), 2);
  stx.signature[5] ^= 0x10;
  EXPECT_REJECTED_WITH(Submit(stx), "bad signature");
}

TEST_F(BadInput, WrongNetworkId) {
  SignedTx stx = net_->Spend(0, Dst(), Amount(1), 2);
  stx = SignTx("some-other-network", stx.tx, net_->user(0));
  EXPECT_REJECTED_WITH(Submit(stx), "another network");
}

TEST_F(BadInput, NonceTooLow) { EXPECT_REJECTED_WITH(Submit(net_->Spend(0, Dst(), Amount(1), 1)), "nonce too low"); }

TEST_F(BadInput, NonceTooHigh) {
  EXPECT_REJECTED_WITH(Submit(net_->Spend(0, Dst(), Amount(1), 1000)), "nonce too high");
}

TEST_F(BadInput, NonceTooHighInABlock) {
  Block b = NextBlock({net_->Spend(1, Dst(), Amount(1), 1)});
  b.txs[0] = net_->Spend(1, Dst(), Amount(1), 2);
  b.header.tx_root = TxRoot({TxHash(b.txs[0])});
  EXPECT_REJECTED_WITH(Import(b), "nonce too high");
}

TEST_F(BadInput, InsufficientBalance) {
  EXPECT_REJECTED_WITH(Submit(net_->Spend(1, Dst(), Amount(2'000'000'000), 1)), "insufficient balance");
  // Not even the fee.
  EXPECT_REJECTED_WITH(Submit(net_->Spend(1, Dst(), Amount(1), 1, 1'000'000, 10'000)), "insufficient balance");
}

TEST_F(BadInput, ExpiredTtl) {
  EXPECT_REJECTED_WITH(Submit(net_->Spend(1, Dst(), Amount(1), 1, 0, 1, 1)), "expired");
}

TEST_F(BadInput, NonCanonicalEncoding) {
  Bytes bytes = Encode(net_->Spend(1, Dst(), Amount(1), 1));
  bytes.push_back(0);
  EXPECT_REJECTED_WITH(net_->chain().SubmitTransaction(bytes, nullptr), "non-canonical");
  Bytes block = Encode(NextBlock());
  block.push_back(0);
  EXPECT_REJECTED_WITH(net_->chain().ImportBlock(block, nullptr), "non-canonical");
  // A non-canonical payload inside a well-formed envelope.
  SignedTx stx = net_->Spend(1, Dst(), Amount(1), 1, TestNet::SpendGas() + 1000);
  stx.tx.payload.push_back(0);
  stx = SignTx(net_->genesis().params.network_id, stx.tx, net_->user(1));
  EXPECT_REJECTED_WITH(Submit(stx), "non-canonical");
}

TEST_F(BadInput, UnknownTransactionType) {
  SignedTx stx = net_->Spend(1, Dst(), Amount(1), 1);
  stx.tx.type = 4242;
  stx = SignTx(net_->genesis().params.network_id, stx.tx, net_->user(1));
  EXPECT_REJECTED_WITH(Submit(stx), "unknown transaction type");
}

TEST_F(BadInput, GasBelowIntrinsicAndPriceBelowMinimum) {
  EXPECT_REJECTED_WITH(Submit(net_->Spend(1, Dst(), Amount(1), 1, 100)), "intrinsic gas");
  EXPECT_REJECTED_WITH(Submit(net_->Spend(1, Dst(), Amount(1), 1, 0, 0)), "gas price");
}

TEST_F(BadInput, OversizedTransaction) {
  Tx tx = net_->Spend(1, Dst(), Amount(1), 1).tx;
  tx.payload = Encode(SpendPayload{Dst(), Amount(1), Bytes(65 * 1024, 'x')});
  tx.gas = 10'000'000;
  SignedTx stx = SignTx(net_->genesis().params.network_id, tx, net_->user(1));
  EXPECT_REJECTED_WITH(Submit(stx), "oversized transaction");
  EXPECT_REJECTED_WITH(net_->chain().SubmitTransaction(stx, nullptr), "oversized transaction");
}

TEST_F(BadInput, BlockWithWrongStateRoot) {
  Block b = NextBlock({net_->Spend(1, Dst(), Amount(1), 1)});
  b.header.state_root[0] ^= 1;
  EXPECT_REJECTED_WITH(Import(b), "wrong state root");
}

TEST_F(BadInput, BlockWithWrongTransactionRoot) {
  Block b = NextBlock({net_->Spend(1, Dst(), Amount(1), 1)});
  b.header.tx_root[0] ^= 1;
  EXPECT_REJECTED_WITH(Import(b), "wrong transaction root");
}

TEST_F(BadInput, BlockWithWrongPreviousHash) {
  Block b = NextBlock();
  b.header.prev_hash[0] ^= 1;
  EXPECT_REJECTED_WITH(Import(b), "wrong previous hash");
}

TEST_F(BadInput, BlockWithWrongHeight) {
  Block b = NextBlock();
  b.header.height += 1;
  EXPECT_REJECTED_WITH(Import(b), "wrong height");
}

TEST_F(BadInput, BlockWithWrongTime) {
  Block b = NextBlock();
  b.header.time_ms = net_->chain().head().time_ms;  // not after its parent
  EXPECT_REJECTED_WITH(Import(b), "wrong time");
  b.header.time_ms = net_->clock() + 10 * 60 * 1000;  // far in the future
  EXPECT_REJECTED_WITH(Import(b), "wrong time");
}

TEST_F(BadInput, BlockWithBadSeal) {
  Block b = NextBlock();
  b.header.seal[0] ^= 1;
  EXPECT_REJECTED_WITH(Import(b, false), "bad signature");
}

TEST_F(BadInput, BlockWithAnInvalidTransaction) {
  Block b = NextBlock({net_->Spend(1, Dst(), Amount(1), 1)});
  b.txs[0].signature[0] ^= 1;
  b.header.tx_root = TxRoot({TxHash(b.txs[0])});
  EXPECT_REJECTED_WITH(Import(b), "bad signature");
}

class SmallBlocks : public BadInput {
  TestNetOptions Options() override {
    TestNetOptions o;
    o.max_block_bytes = 16 * 1024;
    o.max_tx_bytes = 4 * 1024;
    return o;
  }
};

TEST_F(SmallBlocks, BlockOverTheSizeLimit) {
  std::vector<SignedTx> txs;
  for (uint64_t n = 1; n <= 120; ++n) txs.push_back(net_->Spend(1, Dst(), Amount(1), n));
  Block b = NextBlock(txs);
  ASSERT_GT(Encode(b).size(), 16u * 1024);
  EXPECT_REJECTED_WITH(Import(b), "over the size limit");
  EXPECT_REJECTED_WITH(net_->chain().ImportBlock(b, nullptr), "over the size limit");
}

class HugeBalances : public BadInput {
  TestNetOptions Options() override {
    TestNetOptions o;
    o.balance = Amount::FromRaw((static_cast<Amount::Raw>(1) << 127) - 1);
    return o;
  }
  void SetUp() override {
    BadInput::SetUp();
    // user 1 receives nearly 2^127 more: its balance is now close to the maximum.
    Amount big = Amount::FromRaw((static_cast<Amount::Raw>(1) << 127) - (static_cast<Amount::Raw>(1) << 100));
    ASSERT_TRUE(net_->chain().SubmitTransaction(net_->Spend(0, net_->user(1).public_key(), big, 2), nullptr).ok());
    ASSERT_TRUE(net_->Produce().ok());
    before_ = Committed::Of(*net_);
  }
};

TEST_F(HugeBalances, AmountOverflow) {
  Amount big = Amount::FromRaw((static_cast<Amount::Raw>(1) << 127) - (static_cast<Amount::Raw>(1) << 100));
  EXPECT_REJECTED_WITH(Submit(net_->Spend(2, net_->user(1).public_key(), big, 1)), "amount overflow");
}

}  // namespace
}  // namespace bciin::chain
