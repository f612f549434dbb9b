#include "bciin/cuckoo/consensus.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "bciin/cuckoo/keys.h"
#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/verify.h"

namespace bciin::cuckoo {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Hash256 to_hash(const uint8_t (&bytes)[32]) {
  Hash256 h;
  std::memcpy(h.data(), bytes, 32);
  return h;
}

std::string hex(const Hash256& h) {
  std::string s;
  for (uint8_t b : h) s += fmt::format("{:02x}", b);
  return s;
}

// Polled between graphs and, through the solver's progress callback, between trimming rounds. The
// engine's cancel callback is only called on the thread that called produce_seal (the lean
// solver may report a round's end from one of its workers); the tip flag from any thread.
struct StopCheck {
  const bciin_cancel* cancel;
  const std::atomic<bool>* tip_moved;
  std::thread::id owner = std::this_thread::get_id();
  std::atomic<bool> stop{false};
  std::atomic<const char*> reason{nullptr};

  bool poll() {
    if (stop.load(std::memory_order_relaxed)) return true;
    if (std::this_thread::get_id() == owner && cancel->is_cancelled && cancel->is_cancelled(cancel->context)) {
      reason = "cancelled by the engine";
    } else if (tip_moved->load()) {
      reason = "the tip moved";
    } else {
      return false;
    }
    stop = true;
    return true;
  }
};

}  // namespace

Status check_consensus_options(const ConsensusOptions& o) {
  SolverOptions so;
  so.kind = o.solver;
  so.edge_bits = o.edge_bits;
  so.threads = o.threads;
  so.memory_cap_bytes = o.memory_cap_bytes;
  const uint64_t need = solver_memory_estimate(so);
  if (need == 0)
    return Status::InvalidArgument(fmt::format("the {} solver cannot run {} edge bits with {} threads",
                                               solver_kind_name(o.solver), o.edge_bits, o.threads));
  if (o.memory_cap_bytes != 0 && need > o.memory_cap_bytes)
    return Status::ResourceExhausted(fmt::format(
        "the {} solver needs {} MiB at {} edge bits with {} threads, above the memory cap of {} MiB",
        solver_kind_name(o.solver), (need + (1 << 20) - 1) >> 20, o.edge_bits, o.threads,
        o.memory_cap_bytes >> 20));
  BCIIN_RETURN_IF_ERROR(check_retarget_params(o.retarget));
  const auto initial = compact_to_target(o.initial_target);
  if (!initial) return Status::InvalidArgument(fmt::format("initial target {:#010x} is not a valid compact", o.initial_target));
  if (*initial > *compact_to_target(o.retarget.highest_target))
    return Status::InvalidArgument(fmt::format("initial target {:#010x} is above the highest target {:#010x}",
                                               o.initial_target, o.retarget.highest_target));
  if (o.refresh_ms == 0) return Status::InvalidArgument("refresh time must be positive");
  return Status();
}

std::string encode_fields(uint32_t compact_target) {
  std::string f(kFieldsSize, '\0');
  for (size_t i = 0; i < kFieldsSize; ++i) f[i] = static_cast<char>(compact_target >> (8 * i));
  return f;
}

std::optional<uint32_t> decode_fields(const bciin_span& fields) {
  if (fields.size != kFieldsSize || fields.data == nullptr) return std::nullopt;
  uint32_t v = 0;
  for (size_t i = 0; i < kFieldsSize; ++i) v |= uint32_t{fields.data[i]} << (8 * i);
  return v;
}

CuckooConsensus::CuckooConsensus(ConsensusOptions options) : options_(std::move(options)) {}
CuckooConsensus::~CuckooConsensus() = default;

void CuckooConsensus::Log(bciin_log_level level, const std::string& message) const {
  if (options_.log) options_.log(level, message);
}

MiningStats CuckooConsensus::mining_stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

Status CuckooConsensus::TargetAfter(const bciin_consensus_header& parent,
                                    const bciin_consensus_chain& chain, uint32_t* compact) const {
  if (parent.height == 0) {
    *compact = options_.initial_target;
    return Status();
  }
  const auto parent_target = decode_fields(parent.fields);
  if (!parent_target) return Status::Corruption(fmt::format("cuckoo: block {} carries no target", parent.height));
  // The last window + 1 blocks, the genesis block excluded (its time is arbitrary).
  const uint64_t span = std::min<uint64_t>(options_.retarget.window + 1, parent.height);
  if (span < uint64_t{options_.retarget.window} + 1) {
    *compact = *parent_target;  // a young chain keeps its target
    return Status();
  }
  std::vector<BlockTiming> recent;
  recent.reserve(span);
  for (uint64_t h = parent.height - span + 1; h < parent.height; ++h) {
    bciin_consensus_header a{};
    a.size = sizeof(a);
    bciin_error e{};
    if (chain.ancestor == nullptr) return Status::Internal("cuckoo: no ancestor lookup");
    if (int32_t rc = chain.ancestor(chain.context, h, &a, &e); rc != BCIIN_OK)
      return Status::FromError(e).WithContext(fmt::format("cuckoo: ancestor at height {}", h));
    const auto t = decode_fields(a.fields);
    if (!t) return Status::Corruption(fmt::format("cuckoo: block {} carries no target", h));
    recent.push_back({a.time_ms, *t});
  }
  recent.push_back({parent.time_ms, *parent_target});
  *compact = next_compact_target(recent, options_.retarget);
  return Status();
}

Status CuckooConsensus::NextFields(const bciin_consensus_header& parent, uint64_t,
                                   const bciin_consensus_chain& chain, std::string* fields) {
  uint32_t target = 0;
  BCIIN_RETURN_IF_ERROR(TargetAfter(parent, chain, &target));
  *fields = encode_fields(target);
  return Status();
}

Status CuckooConsensus::CheckSeal(const bciin_consensus_header& header,
                                  const bciin_consensus_header& parent,
                                  const bciin_consensus_chain& chain) {
  const auto target = decode_fields(header.fields);
  if (!target)
    return Status::Rejected(fmt::format("cuckoo: consensus fields of {} bytes, expected the {}-byte target",
                                        header.fields.size, kFieldsSize));
  uint32_t expected = 0;
  BCIIN_RETURN_IF_ERROR(TargetAfter(parent, chain, &expected));
  if (*target != expected)
    return Status::Rejected(fmt::format("cuckoo: wrong target {:#010x}, the retarget rule gives {:#010x}",
                                        *target, expected));
  std::string why;
  const auto seal = decode_seal(std::span<const uint8_t>(header.seal.data, header.seal.size), &why);
  if (!seal) return Status::Rejected("cuckoo: malformed seal: " + why);
  if (seal->edge_bits != options_.edge_bits)
    return Status::Rejected(fmt::format("cuckoo: wrong edge bits {}, this network uses {}", seal->edge_bits,
                                        options_.edge_bits));
  const Hash256 ch = cycle_hash(seal->edges, seal->edge_bits);
  if (!hash_meets_compact(ch, *target))
    return Status::Rejected(fmt::format("cuckoo: cycle hash {} is not below the target {:#010x}", hex(ch), *target));
  const VerifyCode code = verify(keys_for(to_hash(header.seal_hash), seal->nonce), seal->edges, seal->edge_bits);
  if (code != VerifyCode::kOk)
    return Status::Rejected(fmt::format("cuckoo: not a 42-cycle of this header's graph: {} ({})",
                                        verify_code_name(code), verify_code_message(code)));
  // A valid block at the height being mined or above: the engine will build on it.
  if (header.height >= mining_height_.load()) tip_moved_ = true;
  return Status();
}

Status CuckooConsensus::Weight(const bciin_consensus_header& header, uint64_t* weight) {
  const auto target = decode_fields(header.fields);
  if (!target) return Status::Rejected("cuckoo: a block without a target has no weight");
  *weight = block_weight(*target);
  return Status();
}

uint64_t CuckooConsensus::NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) {
  return std::max(now_ms, parent.time_ms + 1);
}

Status CuckooConsensus::ProduceSeal(const bciin_consensus_header& header, const bciin_cancel& cancel,
                                    std::string* seal) {
  std::lock_guard lock(mine_mu_);
  const auto target = decode_fields(header.fields);
  if (!target) return Status::InvalidArgument("cuckoo: the block to seal carries no target");
  if (!solver_) {
    SolverOptions so;
    so.kind = options_.solver;
    so.edge_bits = options_.edge_bits;
    so.threads = options_.threads;
    so.memory_cap_bytes = options_.memory_cap_bytes;
    BCIIN_RETURN_IF_ERROR(create_solver(so, &solver_).WithContext("cuckoo"));
    Log(BCIIN_LOG_INFO, fmt::format("cuckoo: {} solver, {} edge bits, {} threads, {} MiB", solver_kind_name(so.kind),
                                    so.edge_bits, so.threads, solver_->memory_bytes() >> 20));
  }
  mining_height_ = header.height;
  tip_moved_ = false;
  struct Idle {
    CuckooConsensus* self;
    ~Idle() { self->mining_height_ = UINT64_MAX; }
  } idle{this};

  StopCheck stop{&cancel, &tip_moved_};
  solver_->set_progress([](void* ctx, unsigned, uint64_t) { static_cast<StopCheck*>(ctx)->poll(); }, &stop);
  const Hash256 seal_hash = to_hash(header.seal_hash);
  const auto start = Clock::now();
  auto last_report = start;
  uint64_t graphs = 0, cycles = 0;
  auto account = [&] {
    std::lock_guard l(stats_mu_);
    stats_.graphs += graphs;
    stats_.cycles += cycles;
    stats_.seconds += seconds_since(start);
  };
  std::vector<Proof> proofs;
  for (uint64_t nonce = 0; nonce <= UINT32_MAX; ++nonce) {
    if (stop.poll()) break;
    if (seconds_since(start) * 1000 >= static_cast<double>(options_.refresh_ms)) {
      stop.reason = "refreshing the block template";
      break;
    }
    Status s = solver_->solve(keys_for(seal_hash, static_cast<uint32_t>(nonce)), &stop.stop, &proofs);
    if (s.is(BCIIN_ERR_CANCELLED)) break;
    BCIIN_RETURN_IF_ERROR(s.WithContext("cuckoo"));
    ++graphs;
    cycles += proofs.size();
    for (const Proof& p : proofs) {
      if (!hash_meets_compact(cycle_hash(p, options_.edge_bits), *target)) continue;
      const std::vector<uint8_t> bytes = encode_seal({options_.edge_bits, static_cast<uint32_t>(nonce), p});
      seal->assign(bytes.begin(), bytes.end());
      const double secs = seconds_since(start);
      account();
      {
        std::lock_guard l(stats_mu_);
        ++stats_.seals;
      }
      Log(BCIIN_LOG_INFO, fmt::format("cuckoo: sealed height {} (target {:#010x}) with nonce {} after {} graphs in "
                                      "{:.2f} s, {:.1f} graphs/s",
                                      header.height, *target, nonce, graphs, secs, graphs / std::max(secs, 1e-9)));
      return Status();
    }
    if (options_.report_ms != 0 &&
        std::chrono::duration<double, std::milli>(Clock::now() - last_report).count() >= options_.report_ms) {
      last_report = Clock::now();
      const double secs = seconds_since(start);
      Log(BCIIN_LOG_INFO, fmt::format("cuckoo: mining height {}: {} graphs, {} cycles in {:.1f} s, {:.1f} graphs/s",
                                      header.height, graphs, cycles, secs, graphs / std::max(secs, 1e-9)));
    }
  }
  account();
  const char* reason = stop.reason.load() ? stop.reason.load() : "every nonce of this template tried";
  Log(BCIIN_LOG_DEBUG, fmt::format("cuckoo: stopped mining height {} after {} graphs: {}", header.height, graphs, reason));
  return Status::Cancelled(std::string("cuckoo: ") + reason);
}

}  // namespace bciin::cuckoo
