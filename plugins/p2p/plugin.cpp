// p2p: the node's peer-to-peer network over TCP (docs/p2p.md).
#include "p2p_node.h"

#include <bciin/p2p_service.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>

namespace {

using bciin::Status;

class P2pPlugin : public bciin::sdk::Plugin {
 public:
  explicit P2pPlugin(bciin::sdk::Host host) : Plugin(host) {
    bciin::sdk::ChainClient chain;
    bciin::sdk::ThrowIfError(bciin::sdk::ChainClient::From(host.FindService(BCIIN_CHAIN_SERVICE_ID, "1.0.0"), &chain));
    bciin::p2p::P2pOptions o;
    std::string address = host.GetString("address", "127.0.0.1");
    o.listen = address.empty() ? "" : address + ":" + std::to_string(host.GetUint("port", 7000));
    o.peers = host.OptionValues("peer");
    o.max_peers = host.GetUint("max-peers", 32);
    o.max_outbound = host.GetUint("max-outbound", 8);
    o.max_message_bytes = std::min<uint64_t>(host.GetUint("max-message-bytes", 4 << 20), bciin::p2p::kMaxFrameLimit);
    o.max_messages_per_s = host.GetDouble("max-messages-per-s", 400);
    o.max_txs_per_s = host.GetDouble("max-txs-per-s", 500);
    o.ban_seconds = host.GetUint("ban-seconds", 600);
    o.request_timeout_ms = host.GetUint("request-timeout-ms", 10000);
    o.peer_exchange = host.GetBool("peer-exchange", true);
    o.stall_ms = host.GetUint("stall-ms", 2000);
    o.requests_per_peer = std::max<uint64_t>(1, host.GetUint("requests-per-peer", 4));
    // Seals of synced headers are checked before their blocks are downloaded.
    bciin::sdk::ThrowIfError(bciin::sdk::ConsensusClient::From(
        host.FindService(BCIIN_CONSENSUS_SERVICE_ID, BCIIN_CONSENSUS_SERVICE_VERSION), &o.consensus));
    o.log = [host](int level, const std::string& m) { host.Log(static_cast<bciin_log_level>(level), m); };
    node_ = std::make_unique<bciin::p2p::P2pNode>(chain, std::move(o));

    table_.header = {sizeof(bciin_p2p_service), BCIIN_P2P_SERVICE_ID, BCIIN_P2P_SERVICE_VERSION, node_.get()};
    table_.peers_json = [](void* instance, bciin_sink out) -> int32_t {
      std::string text = static_cast<bciin::p2p::P2pNode*>(instance)->PeersJson();
      out.write(out.context, reinterpret_cast<const uint8_t*>(text.data()), text.size());
      return BCIIN_OK;
    };
    table_.connect = [](void* instance, const char* address, bciin_error* error) -> int32_t {
      Status s = static_cast<bciin::p2p::P2pNode*>(instance)->Connect(address ? address : "");
      bciin_error scratch{};
      return s.ok() ? BCIIN_OK : s.ToError(error ? error : &scratch);
    };
  }

  void Start() override {
    bciin::sdk::ThrowIfError(node_->Start());
    host().Info(fmt::format("p2p listening on port {}", node_->listen_port()));
    blocks_ = host().Subscribe(BCIIN_CHAIN_EVENT_BLOCK, [this](std::string_view, bciin_span payload) {
      node_->AnnounceBlock(bciin::chain::AsView(payload));
    });
    txs_ = host().Subscribe(BCIIN_CHAIN_EVENT_TX, [this](std::string_view, bciin_span payload) {
      node_->AnnounceTx(bciin::chain::AsView(payload));
    });
  }

  void Stop() override {
    blocks_.reset();
    txs_.reset();
    node_->Stop();
  }

  const bciin_service_header* Service(std::string_view id) override {
    return id == BCIIN_P2P_SERVICE_ID ? &table_.header : nullptr;
  }

 private:
  std::unique_ptr<bciin::p2p::P2pNode> node_;
  bciin_p2p_service table_{};
  bciin::sdk::Subscription blocks_, txs_;
};

}  // namespace

BCIIN_PLUGIN(P2pPlugin)
