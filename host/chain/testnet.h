// A one-node test network: an in-memory store (or any kv table), dev consensus with a manual
// clock, a genesis funding a few deterministic users. For unit tests, fuzzing and benchmarks.
#pragma once

#include "chain.h"
#include "dev_consensus.h"
#include "memory_kv.h"

#include <functional>
#include <memory>
#include <vector>

namespace bciin::chain {

struct TestNetOptions {
  size_t users = 4;
  Amount balance = Amount(1'000'000'000);
  Amount block_reward = Amount(1000);
  Amount maintenance_fee = Amount(0);
  uint64_t interval_ms = 0;
  uint64_t max_block_bytes = 1 << 20;
  uint64_t max_tx_bytes = 64 * 1024;
  MempoolLimits mempool;
  unsigned verify_threads = 1;
  size_t node_cache = 1 << 20;  // state tree nodes cached
  uint64_t max_reorg_depth = 0;
  std::string network_id = "bciin-test";
  const bciin_kv_service* kv = nullptr;  // null: a fresh in-memory store
  std::vector<const bciin_ledger_extension*> extensions;
  const bciin_contract_hook* hook = nullptr;
};

class TestNet {
 public:
  explicit TestNet(TestNetOptions options = {});

  Status Open();  // (re)opens the chain on the same store
  Chain& chain() { return *chain_; }
  const KeyPair& user(size_t i) const { return users_[i]; }
  const KeyPair& authority() const { return authority_; }
  const Genesis& genesis() const { return genesis_; }
  uint64_t& clock() { return clock_; }
  sdk::KvStore kv() const { return sdk::KvStore(kv_table_ptr_); }
  const bciin_consensus_service* consensus() const { return cons_table_.table(); }

  // The smallest gas that covers a spend with `data_bytes` of data.
  static uint64_t SpendGas(size_t data_bytes = 0);
  SignedTx Spend(size_t from, const PublicKey& to, Amount amount, uint64_t nonce,
                 uint64_t gas = 0, uint64_t gas_price = 1, uint64_t ttl = 0) const;
  // Advances the clock by a second and produces a block from the mempool.
  Status Produce(Block* out = nullptr, ImportResult* result = nullptr);
  // Seals `block` with the authority key (its header otherwise final).
  void Seal(Block* block) const;
  Amount Balance(const PublicKey& k) const;
  uint64_t Nonce(const PublicKey& k) const;

 private:
  TestNetOptions options_;
  std::vector<KeyPair> users_;
  KeyPair authority_;
  Genesis genesis_;
  uint64_t clock_ = 0;
  storage::MemoryKv kv_backend_;
  sdk::KvServiceTable kv_table_{&kv_backend_};
  const bciin_kv_service* kv_table_ptr_;
  std::unique_ptr<consensus::DevConsensus> dev_;
  sdk::ConsensusServiceTable cons_table_;
  std::unique_ptr<Chain> chain_;
};

}  // namespace bciin::chain
