// Pending transactions: per-account nonce queues, ordered by gas price for block assembly,
// replacement by a higher gas price, size limits with eviction of the cheapest, TTL expiry.
// Not thread-safe: the Chain holds its lock around every call.
#pragma once

#include <bciin/chain/objects.h>

#include <cstring>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

namespace bciin::chain {

struct MempoolLimits {
  size_t max_txs = 20000;
  size_t max_bytes = 64 << 20;
  size_t max_per_account = 64;  // also the largest nonce gap accepted ahead of the account
};

struct PoolEntry {
  SignedTx stx;
  Hash hash{};
  size_t size = 0;
  uint64_t intrinsic_gas = 0;
};

class Mempool {
 public:
  explicit Mempool(MempoolLimits limits) : limits_(limits) {}

  // Adds `entry` given the sender's current account nonce. Replaces a pending tx of the same
  // sender and nonce only for a strictly higher gas price. Errors: AlreadyExists (same tx),
  // Rejected ("nonce too low", "nonce too high", "replacement needs a higher gas price",
  // "mempool full").
  Status Add(PoolEntry entry, uint64_t account_nonce);

  bool Contains(const Hash& hash) const { return by_hash_.count(hash) != 0; }
  void Remove(const Hash& hash);
  // Drops what the state made stale: nonces at or below the account's, and expired TTLs.
  void Prune(const std::function<uint64_t(const PublicKey&)>& nonce_of, uint64_t next_height);

  // Transactions for a block at `height`: for each account its consecutive nonces from
  // nonce_of(account) + 1, merged across accounts by gas price (highest first, then arrival),
  // within the gas and byte budgets.
  std::vector<const PoolEntry*> Select(const std::function<uint64_t(const PublicKey&)>& nonce_of,
                                       uint64_t height, uint64_t gas_budget, size_t byte_budget) const;

  size_t size() const { return by_hash_.size(); }
  size_t bytes() const { return bytes_; }
  // Calls `fn` on pending entries (by account, then nonce) until it returns false.
  void ForEach(const std::function<bool(const PoolEntry&)>& fn) const {
    for (const auto& [sender, queue] : queues_)
      for (const auto& [nonce, slot] : queue)
        if (!fn(slot.entry)) return;
  }

 private:
  struct KeyHash {
    size_t operator()(const PublicKey& k) const {
      size_t v;
      std::memcpy(&v, k.data(), sizeof v);
      return v;
    }
  };
  struct Slot {
    PoolEntry entry;
    uint64_t seq;  // arrival order, the tie-break
  };
  using Queue = std::map<uint64_t, Slot>;  // nonce -> tx

  void Erase(const PublicKey& sender, uint64_t nonce);
  bool EvictCheapestBelow(uint64_t gas_price, const PublicKey& except);

  MempoolLimits limits_;
  std::unordered_map<PublicKey, Queue, KeyHash> queues_;
  std::unordered_map<Hash, std::pair<PublicKey, uint64_t>, KeyHash> by_hash_;
  size_t bytes_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace bciin::chain
