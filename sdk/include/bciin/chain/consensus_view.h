// The consensus plugin's view of a header (bciin_consensus_header, consensus.h) for anyone who
// asks the consensus service about a chain::Header: the engine, and p2p checking seals of
// synced headers before their bodies are downloaded.
#pragma once

#include <bciin/chain/objects.h>
#include <bciin/consensus.h>

#include <cstring>

namespace bciin::chain {

// `hash` and `seal_hash` are the header's BlockHash() and SealHash() (or zero while sealing);
// the spans borrow from `h`, which must outlive the view.
inline bciin_consensus_header ConsensusView(const Header& h, const Hash& hash, const Hash& seal_hash) {
  bciin_consensus_header c{};
  c.size = sizeof(c);
  c.version = h.version;
  c.height = h.height;
  c.time_ms = h.time_ms;
  std::memcpy(c.prev_hash, h.prev_hash.data(), 32);
  std::memcpy(c.hash, hash.data(), 32);
  std::memcpy(c.seal_hash, seal_hash.data(), 32);
  std::memcpy(c.beneficiary, h.beneficiary.data(), 32);
  c.fields = {h.consensus.data(), h.consensus.size()};
  c.seal = {h.seal.data(), h.seal.size()};
  return c;
}

}  // namespace bciin::chain
