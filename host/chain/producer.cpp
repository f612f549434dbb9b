#include "producer.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>

#include <chrono>

namespace bciin::chain {

namespace {
uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}
}  // namespace

BlockProducer::BlockProducer(Chain* chain, PublicKey beneficiary,
                             std::function<void(const Block&, const ImportResult&)> on_block)
    : chain_(chain), beneficiary_(beneficiary), on_block_(std::move(on_block)) {}

BlockProducer::~BlockProducer() { Stop(); }

void BlockProducer::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void BlockProducer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BlockProducer::Run() {
  while (!stop_) {
    const uint64_t now = NowMs();
    const uint64_t due = chain_->NextBlockTime(now);
    if (due > now) {
      // Not yet (or never: a validating node re-checks now and then, the head may move).
      uint64_t wait = due == UINT64_MAX ? 500 : std::min<uint64_t>(due - now, 500);
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stop_.load(); });
      continue;
    }
    Block block;
    ImportResult result;
    Status s = chain_->ProduceBlock(beneficiary_, [this] { return stop_.load(); }, &block, &result);
    if (s.ok()) {
      ++produced_;
      if (on_block_) on_block_(block, result);
    } else if (!s.is(BCIIN_ERR_CANCELLED)) {
      // Lost a race with an imported block, or a transient store error: try again shortly.
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return stop_.load(); });
    }
  }
}

}  // namespace bciin::chain
