#include "harness.h"

#include "devnet.h"
#include "http_client.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>

#include <csignal>
#include <thread>

namespace bciin::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

Status Devnet::Create(const fs::path& dir, size_t accounts, Devnet* out) {
  chain_service::DevnetOptions o;
  o.accounts = accounts;
  out->dir = dir;
  out->network_id = o.network_id;
  out->genesis = dir / "genesis.json";
  out->authority_key = dir / "authority.key";
  if (Status s = chain_service::WriteDevnetGenesis(out->genesis, dir / "keys", o); !s.ok()) return s;
  if (Status s = out->authority.Save(out->authority_key.string()); !s.ok()) return s;
  out->accounts.clear();
  for (size_t i = 0; i < accounts; ++i) {
    chain::KeyPair k = chain::KeyPair::Generate();
    if (Status s = chain::KeyPair::Load((dir / "keys" / fmt::format("account-{}.key", i)).string(), &k); !s.ok())
      return s;
    out->accounts.push_back(k);
  }
  return Status();
}

Node::Node(const Devnet& net, fs::path data_dir, NodeOptions options)
    : net_(net), data_dir_(std::move(data_dir)), options_(std::move(options)) {}

bool Node::Start(std::string* error) {
  if (process_ && process_->Running()) Kill(SIGKILL);
  std::string ini = fmt::format(
      "plugin = chain\nplugin = {}\nplugin = consensus-dev\nplugin = p2p\nplugin = api-http\ndata-dir = {}\n"
      "[chain]\ngenesis = {}\nproduce = {}\nverify-threads = {}\n{}\n"
      "[consensus-dev]\n{}\ninterval-ms = {}\n"
      "[p2p]\nport = {}\n",
      options_.storage, data_dir_.string(), net_.genesis.string(), options_.produce ? "true" : "false",
      options_.verify_threads, options_.chain_extra,
      options_.produce ? "key-file = " + net_.authority_key.string()
                       : "authority = " + chain::AccountId(net_.authority.public_key()),
      options_.interval_ms, options_.p2p_port ? options_.p2p_port : p2p_port_);
  for (const auto& p : options_.peers) ini += "peer = " + p + "\n";
  ini += options_.p2p_extra + "\n[api-http]\nport = 0\n";
  fs::path config = data_dir_.string() + ".ini";
  WriteFile(config, ini);
  process_ = std::make_unique<Process>(Program("bciin-node"), std::vector<std::string>{"--config", config.string()});
  if (!process_->WaitForOutput("API listening", 120s)) {
    if (error) *error = "node " + data_dir_.string() + " did not start:\n" + process_->Output();
    return false;
  }
  std::string out = process_->Output();
  p2p_port_ = static_cast<uint16_t>(NumberAfter(out, "p2p listening on port "));
  api_port_ = static_cast<uint16_t>(NumberAfter(out, "API listening on http://127.0.0.1:"));
  token_ = ReadFile(data_dir_ / "api-token");
  token_.erase(token_.find_last_not_of("\r\n") + 1);
  return p2p_port_ != 0 && api_port_ != 0;
}

int Node::Kill(int sig) {
  if (!process_) return -1;
  process_->Signal(sig);
  return process_->Wait(60s);
}

json Node::Get(const std::string& target) const {
  cli::HttpClient c(Url(), "");
  json j;
  Status s = c.Get(target, &j);
  return s.ok() ? j : json{{"failed", s.ToString()}};
}

uint64_t Node::Height() const {
  json j = Get("/v1/status");
  return j.contains("head") ? j["head"].value("height", uint64_t{0}) : 0;
}

std::string Node::MainHash(uint64_t height) const { return Header(height).value("hash", ""); }

json Node::Header(uint64_t height) const {
  json j = Get("/v1/headers/height/" + std::to_string(height));
  return j.contains("failed") ? json::object() : j;
}

Status Node::Submit(const chain::SignedTx& stx, json* out) const {
  cli::HttpClient c(Url(), token_);
  json ignored;
  return c.Post("/v1/transactions", json{{"tx", chain::ToHex(chain::Encode(stx))}}, out ? out : &ignored);
}

Status Node::AddPeer(const std::string& address) const {
  cli::HttpClient c(Url(), token_);
  json ignored;
  return c.Post("/v1/peers", json{{"address", address}}, &ignored);
}

chain::SignedTx MakeSpend(const std::string& network_id, const chain::KeyPair& from, const chain::PublicKey& to,
                          uint64_t amount, uint64_t nonce) {
  chain::Tx tx;
  tx.type = chain::kSpendTxType;
  tx.version = 1;
  tx.sender = from.public_key();
  tx.nonce = nonce;
  tx.gas_price = 1;
  tx.payload = chain::Encode(chain::SpendPayload{to, chain::Amount(amount), {}});
  tx.gas = 0;
  tx.gas = 15000 + 20 * chain::Encode(tx).size();  // intrinsic gas: base plus per encoded byte
  return chain::SignTx(network_id, tx, from);
}

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  return WaitUntil(pred, timeout, 100ms);
}

uint64_t NumberAfter(const std::string& text, const std::string& marker) {
  size_t at = text.rfind(marker);
  if (at == std::string::npos) return 0;
  uint64_t n = 0;
  for (size_t i = at + marker.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    n = n * 10 + static_cast<uint64_t>(text[i] - '0');
  return n;
}

}  // namespace bciin::testing
