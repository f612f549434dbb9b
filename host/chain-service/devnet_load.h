// DevnetLoad: a thread that submits spends between the devnet accounts at a steady rate, so
// that the blocks of a devnet carry transactions and its state keeps changing (demos, the
// kill test). Option `devnet-load` of the chain component, in spends per second.
#pragma once

#include "chain/chain.h"

#include <bciin/chain/ed25519.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bciin::chain_service {

class DevnetLoad {
 public:
  // Loads the keys <key_dir>/account-<i>.key (i = 0, 1, ... while they exist; at least one).
  static Status Create(chain::Chain* chain, const std::filesystem::path& key_dir, uint64_t per_second,
                       std::unique_ptr<DevnetLoad>* out);
  ~DevnetLoad();  // stops

  void Start();
  void Stop();  // idempotent
  uint64_t accepted() const { return accepted_.load(); }

 private:
  DevnetLoad(chain::Chain* chain, std::vector<chain::KeyPair> keys, uint64_t per_second);
  void Run();
  void SubmitOne(uint64_t seq);

  chain::Chain* chain_;
  std::vector<chain::KeyPair> keys_;
  std::vector<uint64_t> next_nonce_;  // 0: read the account's nonce from the head
  uint64_t per_second_;
  std::atomic<uint64_t> accepted_{0};
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace bciin::chain_service
