// Contracts on a one-node test network: create and call transactions, the host interface, gas on
// host calls, sub-call rollback, receipts, and bombs that end in a failure that still pays its fee.
#include "contracts.h"

#include "chain/testnet.h"
#include "test_util.h"

#include <bciin/chain/hash.h>
#include <bciin/wasm/gas_schedule.h>

#include <gtest/gtest.h>

namespace bciin::vm {
namespace {

using chain::KeyPair;
using chain::SignedTx;
using chain::TestNet;
using chain::TestNetOptions;
using chain::TxOutcome;

// Host imports every test contract may use (unused imports are harmless).
const char* kImports = R"(
  (import "bciin" "input_size" (func $input_size (result i32)))
  (import "bciin" "input" (func $input (param i32)))
  (import "bciin" "caller" (func $caller (param i32)))
  (import "bciin" "origin" (func $origin (param i32)))
  (import "bciin" "self" (func $self (param i32)))
  (import "bciin" "value" (func $value (param i32)))
  (import "bciin" "balance" (func $balance (param i32 i32)))
  (import "bciin" "block_height" (func $block_height (result i64)))
  (import "bciin" "block_time" (func $block_time (result i64)))
  (import "bciin" "storage_get" (func $storage_get (param i32 i32 i32 i32) (result i32)))
  (import "bciin" "storage_set" (func $storage_set (param i32 i32 i32 i32)))
  (import "bciin" "storage_delete" (func $storage_delete (param i32 i32)))
  (import "bciin" "transfer" (func $transfer (param i32 i32) (result i32)))
  (import "bciin" "call" (func $call (param i32 i32 i32 i32 i64) (result i32)))
  (import "bciin" "return_data_size" (func $return_data_size (result i32)))
  (import "bciin" "return_data" (func $return_data (param i32)))
  (import "bciin" "create" (func $create (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "bciin" "emit" (func $emit (param i32 i32 i32 i32)))
  (import "bciin" "return" (func $return (param i32 i32)))
  (import "bciin" "revert" (func $revert (param i32 i32)))
  (import "bciin" "blake2b" (func $blake2b (param i32 i32 i32)))
  (import "bciin" "ed25519_verify" (func $ed25519_verify (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
)";

std::vector<uint8_t> Contract(const std::string& body) {
  return wasm::testing::wat("(module " + std::string(kImports) + body + ")");
}

// Stores its input under key "k" (at 0), emits it, returns the caller's address and the block
// height; init stores "init" under "i".
const char* kStoreBody = R"(
  (data (i32.const 0) "k")
  (data (i32.const 1) "i")
  (data (i32.const 2) "init")
  (func (export "init")
    (call $storage_set (i32.const 1) (i32.const 1) (i32.const 2) (i32.const 4)))
  (func (export "call") (local $n i32)
    (local.set $n (call $input_size))
    (call $input (i32.const 1024))
    (call $storage_set (i32.const 0) (i32.const 1) (i32.const 1024) (local.get $n))
    (call $emit (i32.const 0) (i32.const 1) (i32.const 1024) (local.get $n))
    (call $caller (i32.const 2048))
    (i64.store (i32.const 2080) (call $block_height))
    (call $return (i32.const 2048) (i32.const 40))))";

// Writes "b" = input, then reverts when the input is "fail".
const char* kCalleeBody = R"(
  (data (i32.const 0) "b")
  (data (i32.const 8) "nope")
  (func (export "call") (local $n i32)
    (local.set $n (call $input_size))
    (call $input (i32.const 1024))
    (call $storage_set (i32.const 0) (i32.const 1) (i32.const 1024) (local.get $n))
    (if (i32.eq (i32.load (i32.const 1024)) (i32.const 0x6c696166))  ;; "fail"
      (then (call $revert (i32.const 8) (i32.const 4))))
    (call $return (i32.const 1024) (local.get $n))))";

class ContractsTest : public ::testing::Test {
 protected:
  ContractsTest() : net_(Options()) {}
  TestNetOptions Options() {
    TestNetOptions o;
    o.extensions = {vm_.extension_table()};
    o.hook = vm_.hook_table();
    return o;
  }
  void SetUp() override { ASSERT_TRUE(net_.Open().ok()); }

  SignedTx Tx(size_t from, uint16_t type, const chain::Bytes& payload, uint64_t gas = 2'000'000) {
    chain::Tx tx;
    tx.type = type;
    tx.version = 1;
    tx.sender = net_.user(from).public_key();
    tx.nonce = net_.Nonce(tx.sender) + 1 + pending_[from]++;
    tx.gas = gas;
    tx.gas_price = 1;
    tx.payload = payload;
    return chain::SignTx(net_.genesis().params.network_id, tx, net_.user(from));
  }
  // Creates a contract from user `from`; returns its address.
  PublicKey Create(size_t from, const std::vector<uint8_t>& code, Amount value = Amount(0)) {
    CreatePayload p;
    p.code = code;
    p.value = value;
    SignedTx stx = Tx(from, kCreateTxType, chain::Encode(p));
    PublicKey address = ContractAddress(stx.tx.sender, stx.tx.nonce);
    EXPECT_TRUE(Submit(stx).success);
    return address;
  }
  SignedTx CallTx(size_t from, const PublicKey& contract, std::string data, Amount value = Amount(0),
                  uint64_t gas = 2'000'000) {
    CallPayload p;
    p.contract = contract;
    p.value = value;
    p.data.assign(data.begin(), data.end());
    return Tx(from, kCallTxType, chain::Encode(p), gas);
  }
  // Puts one transaction in a block of its own (built directly: the mempool refuses
  // transactions that would fail), imports it and returns the outcome.
  TxOutcome Submit(const SignedTx& stx) {
    chain::Block b;
    net_.clock() += 1000;
    Status s = net_.chain().BuildBlockFrom(net_.authority().public_key(), net_.clock(), {stx}, &b);
    EXPECT_TRUE(s.ok()) << s.ToString();
    net_.Seal(&b);
    s = net_.chain().ImportBlock(b, nullptr);
    EXPECT_TRUE(s.ok()) << s.ToString();
    pending_.clear();
    chain::BlockMeta meta;
    EXPECT_TRUE(net_.chain().GetMeta(net_.chain().head_hash(), &meta).ok());
    EXPECT_EQ(meta.outcomes.size(), 1u);
    last_tx_ = chain::TxHash(stx);
    return meta.outcomes.empty() ? TxOutcome{} : meta.outcomes[0];
  }
  std::optional<std::string> Storage(const PublicKey& contract, std::string_view key) {
    std::optional<chain::Bytes> v;
    EXPECT_TRUE(net_.chain().GetState(kSubtree, chain::AsView(StorageKey(contract, key)), &v).ok());
    if (!v) return std::nullopt;
    return chain::AsString(*v);
  }
  std::optional<Receipt> LastReceipt() {
    std::optional<chain::Bytes> v;
    EXPECT_TRUE(net_.chain().GetState(kSubtree, chain::AsView(ReceiptKey(last_tx_)), &v).ok());
    if (!v) return std::nullopt;
    Receipt r;
    EXPECT_TRUE(chain::DecodeCanonical(*v, &r, "receipt").ok());
    return r;
  }
  ContractAccount Account(const PublicKey& contract) {
    std::optional<chain::Bytes> v;
    EXPECT_TRUE(net_.chain().GetState(kSubtree, chain::AsView(AccountKey(contract)), &v).ok());
    ContractAccount a;
    EXPECT_TRUE(v && chain::DecodeCanonical(*v, &a, "account").ok());
    return a;
  }

  ContractVm vm_;
  TestNet net_;
  std::map<size_t, uint64_t> pending_;
  chain::Hash last_tx_{};
};

TEST_F(ContractsTest, CreateRunsInitAndCallWritesStorageEventsAndReceipt) {
  PublicKey c = Create(0, Contract(kStoreBody));
  EXPECT_EQ(Storage(c, "i"), "init");
  ContractAccount account = Account(c);
  EXPECT_EQ(account.code_hash, chain::Blake2b256(Contract(kStoreBody)));
  EXPECT_EQ(account.creator, net_.user(0).public_key());
  EXPECT_EQ(account.storage_entries, 1u);
  EXPECT_EQ(account.pending_init, 0);

  TxOutcome o = Submit(CallTx(1, c, "hello"));
  ASSERT_TRUE(o.success) << o.error;
  EXPECT_EQ(Storage(c, "k"), "hello");
  auto r = LastReceipt();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->contract, c);
  EXPECT_GT(r->gas_used, HostGas::kStorageSet);
  ASSERT_EQ(r->return_data.size(), 40u);
  EXPECT_TRUE(std::equal(r->return_data.begin(), r->return_data.begin() + 32, net_.user(1).public_key().begin()));
  uint64_t height = 0;
  std::memcpy(&height, r->return_data.data() + 32, 8);
  EXPECT_EQ(height, net_.chain().head().height);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(chain::AsString(r->events[0].topic), "k");
  EXPECT_EQ(chain::AsString(r->events[0].data), "hello");
  EXPECT_EQ(Account(c).storage_entries, 2u);

  // The storage commitment follows the entries: the same entries give the same root.
  chain::Hash root = Account(c).storage_root;
  ASSERT_TRUE(Submit(CallTx(1, c, "other")).success);
  EXPECT_NE(Account(c).storage_root, root);
  ASSERT_TRUE(Submit(CallTx(1, c, "hello")).success);
  EXPECT_EQ(Account(c).storage_root, root);
}

TEST_F(ContractsTest, SpendToAContractRunsItsCodeWithTheValue) {
  PublicKey c = Create(0, Contract(kStoreBody));
  chain::Bytes data{'v', 'i', 'a'};
  chain::Tx tx = net_.Spend(2, c, Amount(777), net_.Nonce(net_.user(2).public_key()) + 1, 1'000'000).tx;
  chain::SpendPayload p;
  p.recipient = c;
  p.amount = Amount(777);
  p.data = data;
  tx.payload = chain::Encode(p);
  TxOutcome o = Submit(chain::SignTx(net_.genesis().params.network_id, tx, net_.user(2)));
  ASSERT_TRUE(o.success) << o.error;
  EXPECT_EQ(Storage(c, "k"), "via");
  EXPECT_EQ(net_.Balance(c), Amount(777));
}

TEST_F(ContractsTest, FailingSubCallUndoesOnlyItsOwnChanges) {
  PublicKey callee = Create(0, Contract(kCalleeBody));
  // The caller forwards its input to the callee with 100 of its value and 200000 gas, then
  // records the sub-call's result (0/1) under "r" and its return data under "d".
  std::string caller_body = R"(
    (data (i32.const 0) "r")
    (data (i32.const 1) "d")
    (data (i32.const 64) "\64\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
    (func (export "call") (local $n i32) (local $rc i32)
      (local.set $n (call $input_size))
      (call $input (i32.const 1024))
      (local.set $rc (call $call (i32.const 32) (i32.const 64) (i32.const 1024) (local.get $n) (i64.const 200000)))
      (i32.store (i32.const 512) (local.get $rc))
      (call $storage_set (i32.const 0) (i32.const 1) (i32.const 512) (i32.const 4))
      (call $return_data (i32.const 2048))
      (call $storage_set (i32.const 1) (i32.const 1) (i32.const 2048) (call $return_data_size))))";
  std::string callee_bytes;
  for (uint8_t b : callee) callee_bytes += "\\" + std::string(1, "0123456789abcdef"[b >> 4]) + "0123456789abcdef"[b & 15];
  caller_body += "(data (i32.const 32) \"" + callee_bytes + "\")";
  PublicKey caller = Create(0, Contract(caller_body), Amount(1000));
  EXPECT_EQ(net_.Balance(caller), Amount(1000));

  TxOutcome ok = Submit(CallTx(1, caller, "good"));
  ASSERT_TRUE(ok.success) << ok.error;
  EXPECT_EQ(Storage(callee, "b"), "good");
  EXPECT_EQ(Storage(caller, "r"), std::string("\0\0\0\0", 4));
  EXPECT_EQ(Storage(caller, "d"), "good");
  EXPECT_EQ(net_.Balance(callee), Amount(100));

  TxOutcome failed = Submit(CallTx(1, caller, "fail"));
  ASSERT_TRUE(failed.success) << failed.error;  // the caller went on
  EXPECT_EQ(Storage(callee, "b"), "good");       // the callee's write is undone
  EXPECT_EQ(Storage(caller, "r"), std::string("\1\0\0\0", 4));
  EXPECT_EQ(Storage(caller, "d"), "nope");        // the revert message as return data
  EXPECT_EQ(net_.Balance(callee), Amount(100));   // the value came back
  EXPECT_EQ(net_.Balance(caller), Amount(900));
}

TEST_F(ContractsTest, RevertUndoesTheCallButPaysTheFee) {
  PublicKey c = Create(0, Contract(kCalleeBody));
  const PublicKey sender = net_.user(1).public_key();
  Amount before = net_.Balance(sender);
  TxOutcome o = Submit(CallTx(1, c, "fail", Amount(50)));
  EXPECT_FALSE(o.success);
  EXPECT_NE(o.error.find("contract reverted: nope"), std::string::npos) << o.error;
  EXPECT_EQ(Storage(c, "b"), std::nullopt);
  EXPECT_EQ(net_.Balance(c), Amount(0));
  EXPECT_EQ(net_.Balance(sender), *before.Sub(Amount(o.gas_used)));
  // The failed receipt survives the undo: status, the VM's gas and the revert message.
  auto r = LastReceipt();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, static_cast<uint8_t>(ReceiptStatus::kReverted));
  EXPECT_EQ(r->message, "nope");
  EXPECT_EQ(r->contract, c);
  EXPECT_GT(r->gas_used, 0u);
  EXPECT_LT(r->gas_used, o.gas_used);
  EXPECT_TRUE(r->events.empty());
  EXPECT_TRUE(r->return_data.empty());
  // A call to an address without code fails before any contract runs: no receipt.
  PublicKey nobody{};
  nobody[0] = 7;
  TxOutcome none = Submit(CallTx(1, nobody, ""));
  EXPECT_FALSE(none.success);
  EXPECT_FALSE(LastReceipt());
}

TEST_F(ContractsTest, BombsEndInOutOfGasAndPayTheWholeFee) {
  const PublicKey sender = net_.user(1).public_key();
  struct Bomb {
    const char* name;
    std::string body;
  };
  std::vector<Bomb> bombs = {
      {"endless loop", R"((func (export "call") (loop $l (br $l))))"},
      {"memory grow loop", R"((func (export "call") (loop $l (drop (memory.grow (i32.const 1))) (br $l))))"},
      {"storage write loop", R"((func (export "call") (loop $l
          (call $storage_set (i32.const 0) (i32.const 4) (i32.const 0) (i32.const 64)) (br $l))))"},
      {"host call loop", R"((func (export "call") (loop $l (drop (call $block_height)) (br $l))))"},
  };
  for (const Bomb& bomb : bombs) {
    SCOPED_TRACE(bomb.name);
    PublicKey c = Create(0, Contract(bomb.body));
    Amount before = net_.Balance(sender);
    const uint64_t gas = 300'000;
    TxOutcome o = Submit(CallTx(1, c, "", Amount(0), gas));
    EXPECT_FALSE(o.success);
    EXPECT_NE(o.error.find("out of gas"), std::string::npos) << o.error;
    EXPECT_EQ(o.gas_used, gas);
    EXPECT_EQ(net_.Balance(sender), *before.Sub(Amount(gas)));
    auto r = LastReceipt();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, static_cast<uint8_t>(ReceiptStatus::kOutOfGas));
    EXPECT_EQ(r->message, "");
  }
  // Deep recursion and a trap are failures too (not out of gas), and pay what they used.
  PublicKey rec = Create(0, Contract(R"((func $f (export "call") (call $f)))"));
  TxOutcome o = Submit(CallTx(1, rec, ""));
  EXPECT_FALSE(o.success);
  EXPECT_NE(o.error.find("contract trapped"), std::string::npos) << o.error;
  auto r = LastReceipt();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, static_cast<uint8_t>(ReceiptStatus::kTrapped));
  EXPECT_FALSE(r->message.empty());
}

TEST_F(ContractsTest, GasIsChargedForHostCallsByTheBytesTheyMove) {
  // Two contracts differing only in the length of the value stored: 8 bytes more cost the
  // storage byte price and one more unit of copy gas for each 8 bytes.
  auto body = [](int len) {
    return "(func (export \"call\") (call $storage_set (i32.const 0) (i32.const 4) (i32.const 64) (i32.const " +
           std::to_string(len) + ")))";
  };
  PublicKey a = Create(0, Contract(body(16)));
  PublicKey b = Create(0, Contract(body(24)));
  ASSERT_TRUE(Submit(CallTx(1, a, "")).success);
  uint64_t gas_a = LastReceipt()->gas_used;
  ASSERT_TRUE(Submit(CallTx(1, b, "")).success);
  uint64_t gas_b = LastReceipt()->gas_used;
  EXPECT_EQ(gas_b - gas_a, 8 * HostGas::kStorageSetPerByte + HostGas::kPer8Bytes);
  EXPECT_GT(gas_a, HostGas::kStorageSet);

  // Off chain: a host call costs the engine's per-call gas plus its own.
  Hash h1, h2;
  ASSERT_TRUE(vm_.Deploy(chain::AsString(Contract(R"((func (export "call") (drop (call $block_height))))")), &h1).ok());
  ASSERT_TRUE(vm_.Deploy(chain::AsString(Contract(
                             R"((func (export "call") (drop (call $block_height)) (drop (call $block_height))))")),
                         &h2)
                  .ok());
  std::string out;
  uint64_t g1 = 0, g2 = 0;
  ASSERT_TRUE(vm_.OffChainCall(h1, "call", "", 100000, &out, &g1).ok());
  ASSERT_TRUE(vm_.OffChainCall(h2, "call", "", 100000, &out, &g2).ok());
  EXPECT_GE(g2 - g1, wasm::kGasPerHostCall + HostGas::kEnv);
}

TEST_F(ContractsTest, HostInterfaceBasics) {
  // Hashes its input with blake2b and verifies a signature given as key(32) || sig(64) || msg.
  PublicKey c = Create(0, Contract(R"(
    (data (i32.const 0) "h")
    (func (export "call") (local $n i32)
      (local.set $n (call $input_size))
      (call $input (i32.const 1024))
      (call $blake2b (i32.const 1024) (local.get $n) (i32.const 512))
      (i32.store (i32.const 544) (call $ed25519_verify (i32.const 1024) (i32.const 1120)
                                       (i32.sub (local.get $n) (i32.const 96)) (i32.const 1056)))
      (call $self (i32.const 548))
      (call $storage_set (i32.const 0) (i32.const 1) (i32.const 512) (i32.const 68))))"));
  KeyPair key = net_.user(3);
  std::string msg = "machine 7 serviced";
  chain::Signature sig = key.Sign(chain::AsView(msg));
  std::string input = chain::AsString(key.public_key()) + chain::AsString(sig) + msg;
  ASSERT_TRUE(Submit(CallTx(1, c, input)).success);
  auto v = Storage(c, "h");
  ASSERT_TRUE(v);
  chain::Hash expected = chain::Blake2b256(chain::AsView(input));
  EXPECT_EQ(v->substr(0, 32), chain::AsString(expected));
  EXPECT_EQ(v->substr(32, 4), std::string("\1\0\0\0", 4));
  EXPECT_EQ(v->substr(36, 32), chain::AsString(c));

  input[100] ^= 1;  // a byte of the message
  ASSERT_TRUE(Submit(CallTx(1, c, input)).success);
  EXPECT_EQ(Storage(c, "h")->substr(32, 4), std::string("\0\0\0\0", 4));
}

TEST_F(ContractsTest, MalformedCodeIsAFailureThatPays) {
  CreatePayload p;
  p.code = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01};
  TxOutcome o = Submit(Tx(0, kCreateTxType, chain::Encode(p)));
  EXPECT_FALSE(o.success);
  EXPECT_NE(o.error.find("contract code refused"), std::string::npos) << o.error;
  EXPECT_GT(o.gas_used, kCreateBaseGas);
}

TEST_F(ContractsTest, ContractCreatesAContract) {
  std::vector<uint8_t> child = Contract(kStoreBody);
  std::string hex;
  for (uint8_t b : child) hex += "\\" + std::string(1, "0123456789abcdef"[b >> 4]) + "0123456789abcdef"[b & 15];
  PublicKey factory = Create(0, Contract(R"(
    (data (i32.const 0) "a")
    (func (export "call")
      (if (call $create (i32.const 1024) (i32.const )" + std::to_string(child.size()) + R"()
                         (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 128))
        (then unreachable))
      (call $storage_set (i32.const 0) (i32.const 1) (i32.const 128) (i32.const 32)))
    (data (i32.const 1024) ")" + hex + "\")"));
  ASSERT_TRUE(Submit(CallTx(1, factory, "")).success);
  PublicKey expected = ContractAddress(factory, 1);
  EXPECT_EQ(Storage(factory, "a"), chain::AsString(expected));
  EXPECT_EQ(Storage(expected, "i"), "init");
  EXPECT_EQ(Account(factory).create_nonce, 1u);
  EXPECT_EQ(Account(expected).creator, factory);
}

TEST_F(ContractsTest, PureFunctionModeThroughTheService) {
  auto code = wasm::testing::wat(R"((module
    (memory (export "memory") 1)
    (global $top (mut i32) (i32.const 1024))
    (func (export "alloc") (param $n i32) (result i32) (local $p i32)
      (local.set $p (global.get $top))
      (global.set $top (i32.add (global.get $top) (local.get $n)))
      (local.get $p))
    (func (export "step") (param $s i32) (param $sl i32) (param $i i32) (param $il i32) (result i64)
      (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (i32.load (local.get $i))))
      (i64.or (i64.shl (i64.extend_i32_u (local.get $s)) (i64.const 32)) (i64.extend_i32_u (local.get $sl))))))");
  Hash h;
  ASSERT_TRUE(vm_.Deploy(chain::AsString(code), &h).ok());
  std::string state("\x05\0\0\0", 4), input("\x03\0\0\0", 4), out;
  uint64_t gas = 0;
  ASSERT_TRUE(vm_.PureCall(h, "step", state, input, 100000, &out, &gas).ok());
  EXPECT_EQ(out, std::string("\x08\0\0\0", 4));
  EXPECT_GT(gas, 0u);
  EXPECT_TRUE(vm_.PureCall(Hash{}, "step", state, input, 100000, &out, &gas).is(BCIIN_ERR_NOT_FOUND));
}

}  // namespace
}  // namespace bciin::vm
