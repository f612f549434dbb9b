#include "dev_consensus.h"

#include <bciin/chain/address.h>

#include <algorithm>
#include <cstring>

namespace bciin::consensus {

chain::Bytes DevConsensus::SealMessage(const uint8_t seal_hash[32]) {
  static constexpr std::string_view kDomain = "bciin.dev-seal";
  chain::Bytes msg(kDomain.size() + 32);
  std::memcpy(msg.data(), kDomain.data(), kDomain.size());
  std::memcpy(msg.data() + kDomain.size(), seal_hash, 32);
  return msg;
}

Status DevConsensus::NextFields(const bciin_consensus_header&, uint64_t, const bciin_consensus_chain&,
                                std::string* fields) {
  fields->assign(reinterpret_cast<const char*>(options_.authority.data()), 32);
  return Status();
}

Status DevConsensus::CheckSeal(const bciin_consensus_header& header, const bciin_consensus_header& parent,
                               const bciin_consensus_chain&) {
  if (header.fields.size != 32 || std::memcmp(header.fields.data, options_.authority.data(), 32) != 0)
    return Status::Rejected("dev seal: the block names another authority than " + chain::AccountId(options_.authority));
  if (parent.height > 0 && header.time_ms < parent.time_ms + options_.interval_ms)
    return Status::Rejected("dev seal: produced " + std::to_string(header.time_ms - parent.time_ms) +
                            " ms after its parent, the interval is " + std::to_string(options_.interval_ms));
  if (header.seal.size != 64) return Status::Rejected("dev seal: not a 64-byte signature");
  chain::Signature sig;
  std::memcpy(sig.data(), header.seal.data, 64);
  if (!chain::VerifySignature(options_.authority, SealMessage(header.seal_hash), sig))
    return Status::Rejected("dev seal: bad signature");
  return Status();
}

Status DevConsensus::Weight(const bciin_consensus_header&, uint64_t* weight) {
  *weight = 1;
  return Status();
}

Status DevConsensus::ProduceSeal(const bciin_consensus_header& header, const bciin_cancel& cancel,
                                 std::string* seal) {
  if (!options_.signer) return Status::Unsupported("dev seal: this node has no authority key");
  if (cancel.is_cancelled && cancel.is_cancelled(cancel.context)) return Status::Cancelled("sealing cancelled");
  chain::Signature sig = options_.signer->Sign(SealMessage(header.seal_hash));
  seal->assign(reinterpret_cast<const char*>(sig.data()), sig.size());
  return Status();
}

uint64_t DevConsensus::NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) {
  if (!options_.signer) return UINT64_MAX;
  // The genesis time is often long past: the first block may come at once.
  uint64_t earliest = parent.height == 0 ? now_ms : parent.time_ms + options_.interval_ms;
  return std::max(earliest, parent.time_ms + 1);
}

}  // namespace bciin::consensus
