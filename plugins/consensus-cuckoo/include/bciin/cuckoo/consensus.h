// CuckooConsensus: Cuckatoo proof of work as the consensus service bciin.consensus/1.
//
//   consensus fields  4 bytes: the block's compact target, u32 little-endian (docs/consensus.md)
//   seal              encode_seal() of proof.h: edge bits, nonce, 42 edge indices
//   next target       retargeting over the last `window` blocks toward `block_time_ms`
//                     (retarget.h); the genesis block carries no target, its children get
//                     `initial_target`, and the window never reaches back to the genesis block
//   check             fields = the retargeted target, then seal decode, edge bits, cycle hash
//                     below the target, 42-cycle of the graph of the header (seal_hash)
//   weight            block_weight(target) (difficulty.h): work at 2^-16 resolution, so the
//                     engine's heaviest branch is the branch of most cumulative work
//   produce_seal      the mining loop: graph after graph (nonce 0, 1, ...) of the header it is
//                     given, until a cycle meets the target, the caller cancels, a block at this
//                     height or above passes check_seal (the tip moved), or `refresh_ms` passes
//                     (so the engine rebuilds the block on its current tip with fresh
//                     transactions); the last three return BCIIN_ERR_CANCELLED.
//
// Rewards: the engine pays the header's beneficiary (the chain component's option). The graph is
// keyed by seal_hash, which covers the beneficiary, so a seal cannot be moved to another one.
//
// Threading: NextFields, CheckSeal and Weight are stateless and may run concurrently; ProduceSeal
// runs one at a time (it owns the solver).
#pragma once

#include <bciin/abi.h>
#include <bciin/sdk/consensus.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "bciin/cuckoo/difficulty.h"
#include "bciin/cuckoo/retarget.h"
#include "bciin/cuckoo/solver.h"

namespace bciin::cuckoo {

inline constexpr size_t kFieldsSize = 4;

struct ConsensusOptions {
  unsigned edge_bits = 29;                       // the network's graph size
  SolverKind solver = SolverKind::kMean;
  unsigned threads = 1;
  uint64_t memory_cap_bytes = 0;                 // 0: no cap
  RetargetParams retarget;                       // block time, window, highest target
  uint32_t initial_target = kHighestCompactTarget;
  uint64_t refresh_ms = 10'000;                  // longest time on one block template
  uint64_t report_ms = 10'000;                   // graphs/s in the log this often while mining
  std::function<void(bciin_log_level, const std::string&)> log;
};

// Checks the options: supported edge bits and threads for the solver, memory cap, retarget
// parameters, an initial target that is valid and not above the highest target.
Status check_consensus_options(const ConsensusOptions& options);

std::string encode_fields(uint32_t compact_target);
std::optional<uint32_t> decode_fields(const bciin_span& fields);

// Statistics of the mining loop, for logs and tests.
struct MiningStats {
  uint64_t graphs = 0;       // graphs solved, all seals
  uint64_t cycles = 0;       // 42-cycles found (meeting the target or not)
  uint64_t seals = 0;        // seals produced
  double seconds = 0;        // time spent solving
};

class CuckooConsensus : public sdk::ConsensusBackend {
 public:
  // Requires check_consensus_options(options).ok().
  explicit CuckooConsensus(ConsensusOptions options);
  ~CuckooConsensus() override;

  Status NextFields(const bciin_consensus_header& parent, uint64_t time_ms,
                    const bciin_consensus_chain& chain, std::string* fields) override;
  Status CheckSeal(const bciin_consensus_header& header, const bciin_consensus_header& parent,
                   const bciin_consensus_chain& chain) override;
  Status Weight(const bciin_consensus_header& header, uint64_t* weight) override;
  Status ProduceSeal(const bciin_consensus_header& header, const bciin_cancel& cancel,
                     std::string* seal) override;
  uint64_t NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) override;

  // The target of a block on top of `parent`.
  Status TargetAfter(const bciin_consensus_header& parent, const bciin_consensus_chain& chain,
                     uint32_t* compact) const;
  const ConsensusOptions& options() const { return options_; }
  MiningStats mining_stats() const;

 private:
  void Log(bciin_log_level level, const std::string& message) const;

  ConsensusOptions options_;
  std::mutex mine_mu_;                   // one ProduceSeal at a time; guards solver_
  std::unique_ptr<Solver> solver_;
  std::atomic<uint64_t> mining_height_{UINT64_MAX};  // height being mined, UINT64_MAX when idle
  std::atomic<bool> tip_moved_{false};
  mutable std::mutex stats_mu_;
  MiningStats stats_;
};

}  // namespace bciin::cuckoo
