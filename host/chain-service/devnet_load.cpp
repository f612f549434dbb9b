#include "devnet_load.h"

#include <chrono>

namespace bciin::chain_service {

Status DevnetLoad::Create(chain::Chain* chain, const std::filesystem::path& key_dir, uint64_t per_second,
                          std::unique_ptr<DevnetLoad>* out) {
  std::vector<chain::KeyPair> keys;
  for (size_t i = 0;; ++i) {
    auto path = key_dir / ("account-" + std::to_string(i) + ".key");
    if (!std::filesystem::exists(path)) break;
    chain::KeyPair k = chain::KeyPair::Generate();
    BCIIN_RETURN_IF_ERROR(chain::KeyPair::Load(path.string(), &k).WithContext("devnet-load"));
    keys.push_back(k);
  }
  if (keys.empty())
    return Status::NotFound("devnet-load: no devnet keys (" + (key_dir / "account-0.key").string() + ")");
  out->reset(new DevnetLoad(chain, std::move(keys), per_second));
  return Status();
}

DevnetLoad::DevnetLoad(chain::Chain* chain, std::vector<chain::KeyPair> keys, uint64_t per_second)
    : chain_(chain), keys_(std::move(keys)), next_nonce_(keys_.size(), 0), per_second_(per_second) {}

DevnetLoad::~DevnetLoad() { Stop(); }

void DevnetLoad::Start() {
  if (per_second_ == 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void DevnetLoad::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DevnetLoad::Run() {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  uint64_t sent = 0;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    // As many spends as the rate allows since the start, then a short wait.
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    const uint64_t due = static_cast<uint64_t>(elapsed) * per_second_ / 1000;
    lock.unlock();
    for (; sent < due; ++sent) SubmitOne(sent);
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(20), [this] { return stop_; });
  }
}

void DevnetLoad::SubmitOne(uint64_t seq) {
  const size_t from = seq % keys_.size();
  const size_t to = keys_.size() > 1 ? (from + 1 + (seq / keys_.size()) % (keys_.size() - 1)) % keys_.size() : from;
  if (next_nonce_[from] == 0) {
    std::optional<chain::Account> account;
    if (!chain_->GetAccount(keys_[from].public_key(), &account).ok()) return;
    next_nonce_[from] = (account ? account->nonce : 0) + 1;
  }
  chain::Tx tx;
  tx.type = chain::kSpendTxType;
  tx.version = 1;
  tx.sender = keys_[from].public_key();
  tx.nonce = next_nonce_[from];
  tx.gas_price = 1;
  tx.payload = chain::Encode(chain::SpendPayload{keys_[to].public_key(), chain::Amount(1 + seq % 1000), {}});
  tx.gas = chain::SpendIntrinsicGas(tx);
  Status s = chain_->SubmitTransaction(chain::SignTx(chain_->params().network_id, tx, keys_[from]), nullptr);
  if (s.ok()) {
    ++next_nonce_[from];
    accepted_.fetch_add(1);
  } else {
    next_nonce_[from] = 0;  // out of step with the chain (a full mempool, a restart): read it again
  }
}

}  // namespace bciin::chain_service
