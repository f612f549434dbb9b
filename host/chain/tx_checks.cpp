#include "tx_checks.h"

namespace bciin::chain {

ParallelTxChecks::ParallelTxChecks(size_t count, CheckFn check, unsigned workers)
    : check_(std::move(check)),
      state_(new std::atomic<uint8_t>[count]),
      status_(count),
      intrinsic_(count, 0),
      count_(count) {
  for (size_t i = 0; i < count; ++i) state_[i].store(kPending, std::memory_order_relaxed);
  if (count < 8) workers = 0;
  for (unsigned t = 0; t < workers; ++t)
    threads_.emplace_back([this] {
      while (!stop_.load(std::memory_order_relaxed)) {
        size_t i = next_.fetch_add(1);
        if (i >= count_) return;
        Check(i);
      }
    });
}

ParallelTxChecks::~ParallelTxChecks() {
  stop_ = true;
  for (auto& t : threads_) t.join();
}

void ParallelTxChecks::Check(size_t i) {
  uint8_t expected = kPending;
  if (!state_[i].compare_exchange_strong(expected, kClaimed, std::memory_order_acq_rel)) return;
  status_[i] = check_(i, &intrinsic_[i]);
  state_[i].store(kDone, std::memory_order_release);
}

Status ParallelTxChecks::Wait(size_t i, uint64_t* intrinsic_gas) {
  Check(i);  // does the work unless a worker has it
  // While a worker finishes it, check later transactions instead of spinning.
  while (state_[i].load(std::memory_order_acquire) != kDone) {
    size_t j = next_.fetch_add(1);
    if (j < count_)
      Check(j);
    else
      std::this_thread::yield();
  }
  *intrinsic_gas = intrinsic_[i];
  return status_[i];
}

}  // namespace bciin::chain
