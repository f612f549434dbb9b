// consensus-cuckoo: Cuckatoo proof of work as bciin.consensus/1 (see bciin/cuckoo/consensus.h).
#include <bciin/cuckoo/consensus.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

#include <charconv>

namespace {

using bciin::Status;
namespace cuckoo = bciin::cuckoo;

uint32_t ParseCompact(const std::string& option, const std::string& text) {
  std::string_view v = text;
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) v.remove_prefix(2), base = 16;
  uint32_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty())
    throw bciin::sdk::Error(Status::InvalidArgument(
        fmt::format("option {}: '{}' is not a compact target (e.g. 0x2100ffff)", option, text)));
  return out;
}

unsigned Narrow(const std::string& option, uint64_t v, uint64_t max) {
  if (v > max) throw bciin::sdk::Error(Status::InvalidArgument(fmt::format("option {}: {} is above {}", option, v, max)));
  return static_cast<unsigned>(v);
}

class ConsensusCuckooPlugin : public bciin::sdk::Plugin {
 public:
  explicit ConsensusCuckooPlugin(bciin::sdk::Host host) : Plugin(host) {
    cuckoo::ConsensusOptions o;
    o.edge_bits = Narrow("edge-bits", host.GetUint("edge-bits", 29), 63);
    const std::string solver = host.GetString("solver", "mean");
    if (!cuckoo::parse_solver_kind(solver, &o.solver))
      throw bciin::sdk::Error(Status::InvalidArgument("option solver: '" + solver + "' is neither mean nor lean"));
    o.threads = Narrow("threads", host.GetUint("threads", 1), 1024);
    const uint64_t cap_mb = host.GetUint("memory-cap-mb", 0);
    if (cap_mb > (uint64_t{1} << 40)) throw bciin::sdk::Error(Status::InvalidArgument("option memory-cap-mb: too large"));
    o.memory_cap_bytes = cap_mb << 20;
    o.retarget.block_time_ms = host.GetUint("block-time-ms", 180'000);
    o.retarget.window = Narrow("window", host.GetUint("window", 17), 10'000);
    o.retarget.max_future_ms = 3 * o.retarget.block_time_ms;
    o.retarget.highest_target = ParseCompact("max-target", host.GetString("max-target", "0x2100ffff"));
    o.initial_target = ParseCompact("initial-target", host.GetString("initial-target", "0x2100ffff"));
    o.refresh_ms = host.GetUint("refresh-ms", 10'000);
    o.report_ms = host.GetUint("report-ms", 10'000);
    bciin::sdk::ThrowIfError(cuckoo::check_consensus_options(o));
    o.log = [host](bciin_log_level level, const std::string& m) { host.Log(level, m); };
    host.Info(fmt::format("cuckoo consensus: {} edge bits, block time {} ms over {} blocks, initial target {:#010x}, "
                          "highest {:#010x}; mining with the {} solver, {} threads",
                          o.edge_bits, o.retarget.block_time_ms, o.retarget.window, o.initial_target,
                          o.retarget.highest_target, cuckoo::solver_kind_name(o.solver), o.threads));
    backend_ = std::make_unique<cuckoo::CuckooConsensus>(std::move(o));
    table_ = std::make_unique<bciin::sdk::ConsensusServiceTable>(backend_.get());
  }
  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_CONSENSUS_SERVICE_ID ? table_->header() : nullptr;
  }

 private:
  std::unique_ptr<cuckoo::CuckooConsensus> backend_;
  std::unique_ptr<bciin::sdk::ConsensusServiceTable> table_;
};

}  // namespace

BCIIN_PLUGIN(ConsensusCuckooPlugin)
