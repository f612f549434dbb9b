// api-http: the node's JSON API over HTTP (docs/api.md), server-sent streams of new blocks and of
// each device's events.
#include "api.h"
#include "device_routes.h"
#include "http_server.h"
#include "json_views.h"

#include <bciin/devices_service.h>
#include <bciin/node_info.h>
#include <bciin/sdk/plugin.hpp>

#include <fmt/format.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace {

using bciin::Status;
namespace api = bciin::api;
namespace chain = bciin::chain;

// Reads the token file, creating it (32 random bytes as hex, mode 0600) when it does not exist.
std::string LoadOrCreateToken(const std::string& path, const bciin::sdk::Host& host) {
  std::ifstream in(path);
  std::string token;
  if (in >> token && !token.empty()) return token;
  if (sodium_init() < 0) throw bciin::sdk::Error(Status::Internal("libsodium init failed"));
  uint8_t raw[32];
  randombytes_buf(raw, sizeof raw);
  token = chain::ToHex(chain::ByteView(raw, sizeof raw));
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << token << "\n";
    if (!out) throw bciin::sdk::Error(Status::IoError("cannot write the API token file " + tmp));
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path);
  host.Info("wrote a new API token to " + path);
  return token;
}

class ApiHttpPlugin : public bciin::sdk::Plugin {
 public:
  explicit ApiHttpPlugin(bciin::sdk::Host host) : Plugin(host) {
    api::ApiContext ctx;
    bciin::sdk::ThrowIfError(bciin::sdk::ChainClient::From(host.FindService(BCIIN_CHAIN_SERVICE_ID, "1.0.0"), &ctx.chain));
    ctx.p2p = reinterpret_cast<const bciin_p2p_service*>(host.FindService(BCIIN_P2P_SERVICE_ID, "1.0.0"));
    if (auto* info = reinterpret_cast<const bciin_node_info_service*>(host.FindService(BCIIN_NODE_INFO_SERVICE_ID, "1.0.0")))
      ctx.plugins = [info] {
        std::string text;
        info->plugins_json(info->header.instance, bciin_sink{&text, [](void* c, const uint8_t* d, size_t n) {
                                                               static_cast<std::string*>(c)->append(
                                                                   reinterpret_cast<const char*>(d), n);
                                                             }});
        return nlohmann::json::parse(text, nullptr, false);
      };
    std::string token_file = host.GetString("token-file");
    if (token_file.empty()) token_file = host.DataDir() + "/api-token";
    ctx.token = LoadOrCreateToken(token_file, host);
    devices_ = std::make_shared<api::DeviceRoutes>(
        reinterpret_cast<const bciin_devices_service*>(host.FindService(BCIIN_DEVICES_SERVICE_ID, "1.0.0")));
    ctx.devices = devices_;
    chain_ = ctx.chain;
    api_ = std::make_unique<api::Api>(std::move(ctx));

    api::HttpServerOptions o;
    o.address = host.GetString("address", "127.0.0.1");
    o.port = static_cast<uint16_t>(host.GetUint("port", 8550));
    o.threads = static_cast<unsigned>(host.GetUint("threads", 2));
    o.max_body_bytes = host.GetUint("max-body-bytes", 1 << 20);
    o.stream_filter = [this](const api::HttpRequest& r, api::HttpResponse* first) { return devices_->OpenStream(r, first); };
    server_ = std::make_unique<api::HttpServer>(
        o, [this](const api::HttpRequest& r) { return api_->Handle(r); }, &api::ErrorBody);
  }

  void Start() override {
    bciin::sdk::ThrowIfError(server_->Start());
    host().Info(fmt::format("API listening on http://{}:{}", host().GetString("address", "127.0.0.1"), server_->port()));
    blocks_ = host().Subscribe(BCIIN_CHAIN_EVENT_BLOCK, [this](std::string_view, bciin_span payload) {
      if (!server_->HasBlockStreams()) return;  // decoding and JSON cost ~3 % of a syncing node's CPU
      chain::Block b;
      if (chain::DecodeCanonical(chain::AsView(payload), &b, "block").ok())
        server_->Broadcast("block", api::BlockJson(b, false).dump());
    });
    device_events_ = host().Subscribe("device.*", [this](std::string_view topic, bciin_span payload) {
      std::string path, event, data(reinterpret_cast<const char*>(payload.data), payload.size);
      if (devices_->OnEvent(topic, data, &path, &event)) server_->BroadcastTo(path, event, data);
    });
  }

  void Stop() override {
    blocks_.reset();
    device_events_.reset();
    server_->Stop();
  }

 private:
  bciin::sdk::ChainClient chain_;
  std::shared_ptr<api::DeviceRoutes> devices_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::HttpServer> server_;
  bciin::sdk::Subscription blocks_;
  bciin::sdk::Subscription device_events_;
};

}  // namespace

BCIIN_PLUGIN(ApiHttpPlugin)
