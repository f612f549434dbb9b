#include "testnet.h"

namespace bciin::chain {

namespace {
KeyPair SeededKey(uint8_t tag, size_t i) {
  std::array<uint8_t, 32> seed{};
  seed[0] = tag;
  seed[1] = static_cast<uint8_t>(i);
  seed[2] = static_cast<uint8_t>(i >> 8);
  return KeyPair::FromSeed(seed);
}
}  // namespace

TestNet::TestNet(TestNetOptions options)
    : options_(std::move(options)),
      authority_(SeededKey(0xA0, 0)),
      kv_table_ptr_(options_.kv ? options_.kv : kv_table_.table()),
      dev_(std::make_unique<consensus::DevConsensus>(
          consensus::DevConsensusOptions{authority_.public_key(), authority_, options_.interval_ms})),
      cons_table_(dev_.get()) {
  for (size_t i = 0; i < options_.users; ++i) users_.push_back(SeededKey(0x05, i));
  genesis_.params.network_id = options_.network_id;
  genesis_.params.genesis_time_ms = 1'700'000'000'000;
  genesis_.params.block_reward = options_.block_reward;
  genesis_.params.maintenance_fee_per_block = options_.maintenance_fee;
  genesis_.params.max_block_bytes = options_.max_block_bytes;
  genesis_.params.max_tx_bytes = options_.max_tx_bytes;
  for (const KeyPair& u : users_) genesis_.accounts.push_back({u.public_key(), options_.balance});
  clock_ = genesis_.params.genesis_time_ms;
  Status s = Open();
  if (!s.ok()) throw std::runtime_error("testnet: " + s.ToString());
}

Status TestNet::Open() {
  chain_.reset();
  ChainOptions o;
  o.mempool = options_.mempool;
  o.verify_threads = options_.verify_threads;
  o.clock_ms = [this] { return clock_; };
  o.node_cache = options_.node_cache;
  o.max_reorg_depth = options_.max_reorg_depth;
  return Chain::Open(sdk::KvStore(kv_table_ptr_), sdk::ConsensusClient(cons_table_.table()),
                     options_.extensions, options_.hook, genesis_, o, &chain_);
}

uint64_t TestNet::SpendGas(size_t data_bytes) {
  Tx tx;
  tx.payload = Encode(SpendPayload{{}, Amount(), Bytes(data_bytes)});
  return SpendIntrinsicGas(tx);
}

SignedTx TestNet::Spend(size_t from, const PublicKey& to, Amount amount, uint64_t nonce,
                        uint64_t gas, uint64_t gas_price, uint64_t ttl) const {
  Tx tx;
  tx.type = kSpendTxType;
  tx.version = 1;
  tx.sender = users_[from].public_key();
  tx.nonce = nonce;
  tx.ttl = ttl;
  tx.gas = gas ? gas : SpendGas();
  tx.gas_price = gas_price;
  tx.payload = Encode(SpendPayload{to, amount, {}});
  return SignTx(genesis_.params.network_id, tx, users_[from]);
}

Status TestNet::Produce(Block* out, ImportResult* result) {
  clock_ += 1000;
  return chain_->ProduceBlock(authority_.public_key(), [] { return false; }, out, result);
}

void TestNet::Seal(Block* block) const {
  Hash seal_hash = block->header.SealHash();
  Signature sig = authority_.Sign(consensus::DevConsensus::SealMessage(seal_hash.data()));
  block->header.seal.assign(sig.begin(), sig.end());
}

Amount TestNet::Balance(const PublicKey& k) const {
  std::optional<Account> a;
  if (!chain_->GetAccount(k, &a).ok() || !a) return Amount();
  return a->balance;
}

uint64_t TestNet::Nonce(const PublicKey& k) const {
  std::optional<Account> a;
  if (!chain_->GetAccount(k, &a).ok() || !a) return 0;
  return a->nonce;
}

}  // namespace bciin::chain
