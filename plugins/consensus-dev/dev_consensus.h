// consensus-dev: one authority seals every block with an Ed25519 signature, no sooner than
// `interval_ms` after its parent. For devnets and tests.
//
// Consensus fields: the authority's 32-byte public key (so a block names who sealed it).
// Seal: Ed25519 signature by that key over "bciin.dev-seal" || seal_hash (64 bytes).
// Weight: 1 per block (the longest chain wins; first seen on a tie).
#pragma once

#include <bciin/chain/ed25519.h>
#include <bciin/sdk/consensus.hpp>

#include <optional>

namespace bciin::consensus {

struct DevConsensusOptions {
  chain::PublicKey authority{};              // the only key whose seals are valid
  std::optional<chain::KeyPair> signer;      // set when this node produces blocks
  uint64_t interval_ms = 1000;
};

class DevConsensus : public sdk::ConsensusBackend {
 public:
  explicit DevConsensus(DevConsensusOptions options) : options_(std::move(options)) {}

  Status NextFields(const bciin_consensus_header& parent, uint64_t time_ms,
                    const bciin_consensus_chain& chain, std::string* fields) override;
  Status CheckSeal(const bciin_consensus_header& header, const bciin_consensus_header& parent,
                   const bciin_consensus_chain& chain) override;
  Status Weight(const bciin_consensus_header& header, uint64_t* weight) override;
  Status ProduceSeal(const bciin_consensus_header& header, const bciin_cancel& cancel,
                     std::string* seal) override;
  uint64_t NextBlockTime(const bciin_consensus_header& parent, uint64_t now_ms) override;

  static chain::Bytes SealMessage(const uint8_t seal_hash[32]);

 private:
  DevConsensusOptions options_;
};

}  // namespace bciin::consensus
