#include "mempool.h"

#include <queue>

namespace bciin::chain {

Status Mempool::Add(PoolEntry entry, uint64_t account_nonce) {
  const Tx& tx = entry.stx.tx;
  if (by_hash_.count(entry.hash)) return Status::AlreadyExists("transaction already pending");
  if (tx.nonce <= account_nonce)
    return Status::Rejected("nonce too low: " + std::to_string(tx.nonce) + ", the account is at " +
                            std::to_string(account_nonce));
  if (tx.nonce > account_nonce + limits_.max_per_account)
    return Status::Rejected("nonce too high: " + std::to_string(tx.nonce) + " is more than " +
                            std::to_string(limits_.max_per_account) + " ahead of the account's " +
                            std::to_string(account_nonce));
  Queue& q = queues_[tx.sender];
  auto existing = q.find(tx.nonce);
  if (existing != q.end()) {
    if (tx.gas_price <= existing->second.entry.stx.tx.gas_price) {
      return Status::Rejected("replacement needs a higher gas price than " +
                              std::to_string(existing->second.entry.stx.tx.gas_price));
    }
    Erase(tx.sender, tx.nonce);
  } else if (q.size() >= limits_.max_per_account) {
    return Status::Rejected("mempool full for this account (" + std::to_string(limits_.max_per_account) + " pending)");
  }
  while (by_hash_.size() >= limits_.max_txs || bytes_ + entry.size > limits_.max_bytes) {
    if (!EvictCheapestBelow(tx.gas_price, tx.sender)) {
      if (queues_[tx.sender].empty()) queues_.erase(tx.sender);
      return Status::Rejected("mempool full: every pending transaction pays at least this gas price");
    }
  }
  Queue& q2 = queues_[tx.sender];
  by_hash_[entry.hash] = {tx.sender, tx.nonce};
  bytes_ += entry.size;
  uint64_t nonce = tx.nonce;
  q2.emplace(nonce, Slot{std::move(entry), seq_++});
  return Status();
}

void Mempool::Erase(const PublicKey& sender, uint64_t nonce) {
  auto qi = queues_.find(sender);
  if (qi == queues_.end()) return;
  auto it = qi->second.find(nonce);
  if (it == qi->second.end()) return;
  bytes_ -= it->second.entry.size;
  by_hash_.erase(it->second.entry.hash);
  qi->second.erase(it);
  if (qi->second.empty()) queues_.erase(qi);
}

void Mempool::Remove(const Hash& hash) {
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return;
  auto [sender, nonce] = it->second;
  Erase(sender, nonce);
}

// Evicts the cheapest tail (highest nonce of an account, so no gap opens) paying less than
// `gas_price`. Returns false when there is none.
bool Mempool::EvictCheapestBelow(uint64_t gas_price, const PublicKey& except) {
  const PublicKey* victim = nullptr;
  uint64_t victim_nonce = 0, victim_price = gas_price;
  for (auto& [sender, q] : queues_) {
    if (q.empty() || sender == except) continue;
    const auto& tail = *q.rbegin();
    if (tail.second.entry.stx.tx.gas_price < victim_price) {
      victim = &sender;
      victim_nonce = tail.first;
      victim_price = tail.second.entry.stx.tx.gas_price;
    }
  }
  if (victim == nullptr) return false;
  PublicKey v = *victim;
  Erase(v, victim_nonce);
  return true;
}

void Mempool::Prune(const std::function<uint64_t(const PublicKey&)>& nonce_of, uint64_t next_height) {
  std::vector<std::pair<PublicKey, uint64_t>> drop;
  for (auto& [sender, q] : queues_) {
    uint64_t n = nonce_of(sender);
    for (auto& [nonce, slot] : q) {
      uint64_t ttl = slot.entry.stx.tx.ttl;
      if (nonce <= n || (ttl != 0 && ttl < next_height)) drop.push_back({sender, nonce});
    }
  }
  for (auto& [s, n] : drop) Erase(s, n);
}

std::vector<const PoolEntry*> Mempool::Select(const std::function<uint64_t(const PublicKey&)>& nonce_of,
                                              uint64_t height, uint64_t gas_budget, size_t byte_budget) const {
  struct Head {
    const Queue* q;
    Queue::const_iterator it;
    bool operator<(const Head& o) const {
      const Slot& a = it->second;
      const Slot& b = o.it->second;
      if (a.entry.stx.tx.gas_price != b.entry.stx.tx.gas_price)
        return a.entry.stx.tx.gas_price < b.entry.stx.tx.gas_price;
      return a.seq > b.seq;
    }
  };
  std::priority_queue<Head> heads;
  for (const auto& [sender, q] : queues_) {
    auto it = q.find(nonce_of(sender) + 1);
    if (it != q.end()) heads.push({&q, it});
  }
  std::vector<const PoolEntry*> out;
  uint64_t gas = 0;
  size_t bytes = 0;
  while (!heads.empty()) {
    Head h = heads.top();
    heads.pop();
    const PoolEntry& e = h.it->second.entry;
    const uint64_t ttl = e.stx.tx.ttl;
    if (ttl != 0 && ttl < height) continue;  // expired: the account's later nonces wait
    if (e.stx.tx.gas > gas_budget - gas || e.size > byte_budget - bytes) continue;
    gas += e.stx.tx.gas;
    bytes += e.size;
    out.push_back(&e);
    auto next = std::next(h.it);
    if (next != h.q->end() && next->first == h.it->first + 1) heads.push({h.q, next});
  }
  return out;
}

}  // namespace bciin::chain
