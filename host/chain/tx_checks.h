// ParallelTxChecks: checks the format and signatures of a block's transactions on worker
// threads while the engine executes them in order. Wait(i) returns transaction i's result; when
// no worker has taken it yet the caller checks it itself, so the executing thread never idles.
#pragma once

#include <bciin/sdk/status.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace bciin::chain {

class ParallelTxChecks {
 public:
  using CheckFn = std::function<Status(size_t index, uint64_t* intrinsic_gas)>;

  // Starts `workers` threads (none for small blocks) over `count` transactions.
  ParallelTxChecks(size_t count, CheckFn check, unsigned workers);
  ~ParallelTxChecks();  // stops the workers and joins them
  ParallelTxChecks(const ParallelTxChecks&) = delete;
  ParallelTxChecks& operator=(const ParallelTxChecks&) = delete;

  Status Wait(size_t index, uint64_t* intrinsic_gas);

 private:
  enum : uint8_t { kPending = 0, kClaimed = 1, kDone = 2 };
  void Check(size_t index);

  CheckFn check_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;
  std::vector<Status> status_;
  std::vector<uint64_t> intrinsic_;
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  size_t count_;
  std::vector<std::thread> threads_;
};

}  // namespace bciin::chain
