// Checks the consensus seal of headers received during header-first sync, before their bodies
// are downloaded: bciin.consensus/1 check_seal on the header and its parent, with the ancestors
// of its own branch (headers still waiting for their blocks, then the stored chain).
#pragma once

#include <bciin/sdk/chain_service.hpp>
#include <bciin/sdk/consensus.hpp>

#include <functional>

namespace bciin::p2p {

class HeaderCheck {
 public:
  // `pending`: a header received but not imported yet, by hash (nullptr when unknown).
  using PendingFn = std::function<const chain::Header*(const chain::Hash&)>;

  HeaderCheck(sdk::ChainClient chain, sdk::ConsensusClient consensus, PendingFn pending)
      : chain_(chain), consensus_(consensus), pending_(std::move(pending)) {}

  // OK without a consensus service; REJECTED (the consensus plugin's reason) for a bad seal;
  // another error when an ancestor could not be read.
  Status CheckSeal(const chain::Header& header, const chain::Header& parent) const;

 private:
  // The header at `height` on the branch ending at `tip`.
  Status HeaderAt(const chain::Header& tip, uint64_t height, chain::Header* out) const;

  sdk::ChainClient chain_;
  sdk::ConsensusClient consensus_;
  PendingFn pending_;
};

}  // namespace bciin::p2p
