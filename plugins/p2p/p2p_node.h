// P2pNode: the peer-to-peer network of a node (docs/p2p.md).
//
// One Boost.Asio thread owns every peer: it accepts and dials TCP connections, runs the
// handshake, answers requests, gossips new blocks and transactions, syncs header-first with
// block downloads spread over the peers that have them, scores misbehaviour and bans, and
// redials configured peers with exponential backoff. The chain is reached only through
// bciin.chain/1.
#pragma once

#include "messages.h"

#include <bciin/sdk/chain_service.hpp>
#include <bciin/sdk/consensus.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bciin::p2p {

struct P2pOptions {
  std::string listen = "127.0.0.1:7000";  // empty: do not accept connections
  std::vector<std::string> peers;          // dialed at start and redialed with backoff
  size_t max_peers = 32;
  size_t max_outbound = 8;
  size_t max_message_bytes = 4u << 20;
  double max_messages_per_s = 400;  // per peer, token bucket with 2 s of burst
  double max_txs_per_s = 500;       // per peer
  int ban_score = 100;
  uint64_t ban_seconds = 600;
  uint64_t request_timeout_ms = 10000;  // a request unanswered this long: the peer is dropped
  uint64_t handshake_timeout_ms = 5000;
  uint64_t ping_interval_ms = 15000;
  uint64_t backoff_min_ms = 500;
  uint64_t backoff_max_ms = 30000;
  size_t blocks_per_request = 32;
  size_t requests_per_peer = 4;   // get-blocks outstanding per peer (pipelined)
  uint64_t stall_ms = 2000;       // a request unanswered this long: its part is asked of others
  sdk::ConsensusClient consensus;  // seals of synced headers are checked before their bodies
  bool peer_exchange = true;
  std::function<void(int level, const std::string&)> log;
};

class P2pNode {
 public:
  P2pNode(sdk::ChainClient chain, P2pOptions options);
  ~P2pNode();

  Status Start();
  void Stop();
  uint16_t listen_port() const;

  // Gossip (thread-safe): a block that became our head, a transaction we accepted.
  void AnnounceBlock(chain::ByteView block);
  void AnnounceTx(chain::ByteView tx);
  // Dials `address` now and keeps it among the configured peers (thread-safe).
  Status Connect(const std::string& address);
  // A JSON array describing the peers (thread-safe).
  std::string PeersJson() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace bciin::p2p
