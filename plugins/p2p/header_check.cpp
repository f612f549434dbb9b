#include "header_check.h"

#include <bciin/chain/consensus_view.h>

namespace bciin::p2p {

Status HeaderCheck::HeaderAt(const chain::Header& tip, uint64_t height, chain::Header* out) const {
  if (height > tip.height) return Status::NotFound("no ancestor at " + std::to_string(height) + " above the tip");
  chain::Header at = tip;
  while (at.height > height) {
    if (const chain::Header* p = pending_(at.prev_hash)) {
      at = *p;
      continue;
    }
    // Stored: once the branch meets the main chain, the index answers directly.
    chain::Hash main{};
    if (chain_.GetMainHash(at.height - 1, &main).ok() && main == at.prev_hash) {
      if (Status s = chain_.GetMainHash(height, &main); !s.ok()) return s;
      return chain_.GetHeader(main, out);
    }
    chain::Header prev;
    if (Status s = chain_.GetHeader(at.prev_hash, &prev); !s.ok()) return s;
    at = std::move(prev);
  }
  *out = std::move(at);
  return Status();
}

Status HeaderCheck::CheckSeal(const chain::Header& header, const chain::Header& parent) const {
  if (!consensus_.valid()) return Status();
  const chain::Hash hash = header.BlockHash(), seal_hash = header.SealHash();
  const chain::Hash parent_seal_hash = parent.SealHash();
  bciin_consensus_header hc = chain::ConsensusView(header, hash, seal_hash);
  bciin_consensus_header pc = chain::ConsensusView(parent, header.prev_hash, parent_seal_hash);
  chain::Header scratch;
  chain::Hash scratch_hash{}, scratch_seal_hash{};
  sdk::AncestorFn ancestors = [&](uint64_t height, bciin_consensus_header* out) -> Status {
    if (Status s = HeaderAt(parent, height, &scratch); !s.ok()) return s;
    scratch_hash = scratch.BlockHash();
    scratch_seal_hash = scratch.SealHash();
    *out = chain::ConsensusView(scratch, scratch_hash, scratch_seal_hash);
    return Status();
  };
  return consensus_.CheckSeal(hc, pc, ancestors);
}

}  // namespace bciin::p2p
