// BlockProducer: the thread that seals blocks when the consensus service says it is time.
#pragma once

#include "chain.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace bciin::chain {

class BlockProducer {
 public:
  // `on_block` (optional) runs on the producer thread after each block is committed.
  BlockProducer(Chain* chain, PublicKey beneficiary,
                std::function<void(const Block&, const ImportResult&)> on_block = {});
  ~BlockProducer();  // stops

  void Start();
  // Cancels a seal in progress and joins the thread. Idempotent.
  void Stop();
  uint64_t produced() const { return produced_.load(); }

 private:
  void Run();

  Chain* chain_;
  PublicKey beneficiary_;
  std::function<void(const Block&, const ImportResult&)> on_block_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> produced_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace bciin::chain
