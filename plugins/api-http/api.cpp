#include "api.h"

#include "contract_routes.h"
#include "device_routes.h"
#include "json_views.h"

#include <bciin/chain/address.h>

#include <charconv>
#include <sodium.h>

namespace bciin::api {

using nlohmann::json;

namespace {

struct ApiError {
  int status;
  std::string code;
  std::string message;
};

HttpResponse Json(int status, const json& j) { return {status, "application/json", j.dump()}; }

[[noreturn]] void Fail(int status, std::string code, std::string message) {
  throw ApiError{status, std::move(code), std::move(message)};
}

// Maps an engine/service status to an API error.
[[noreturn]] void FailStatus(const Status& s) {
  switch (s.code()) {
    case BCIIN_ERR_NOT_FOUND: Fail(404, "not_found", s.message());
    case BCIIN_ERR_INVALID_ARGUMENT: Fail(400, "invalid_argument", s.message());
    case BCIIN_ERR_ALREADY_EXISTS: Fail(409, "already_exists", s.message());
    case BCIIN_ERR_REJECTED: Fail(422, "rejected", s.message());
    case BCIIN_ERR_RESOURCE: Fail(429, "resource_exhausted", s.message());
    case BCIIN_ERR_BUSY: Fail(503, "busy", s.message());
    default: Fail(500, "internal", s.ToString());
  }
}

}  // namespace

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

std::string QueryParam(const std::string& query, const std::string& name) {
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find('&', i);
    if (j == std::string::npos) j = query.size();
    std::string kv = query.substr(i, j - i);
    size_t eq = kv.find('=');
    if (kv.substr(0, eq) == name) return eq == std::string::npos ? "true" : kv.substr(eq + 1);
    i = j + 1;
  }
  return "";
}

namespace {

uint64_t ParseHeight(const std::string& text) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) Fail(400, "invalid_argument", "not a height: " + text);
  return v;
}

chain::Hash ParseId(std::string_view prefix, const std::string& text) {
  chain::Hash h{};
  if (Status s = chain::DecodeId(prefix, text, &h); !s.ok()) Fail(400, "invalid_argument", s.message());
  return h;
}

json ParseBody(const HttpRequest& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) Fail(400, "invalid_json", "the body is not a JSON object");
  return j;
}

std::string StringField(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) Fail(400, "invalid_argument", std::string("missing string field '") + name + "'");
  return it->get<std::string>();
}

}  // namespace

std::string ErrorBody(int status, const std::string& code, const std::string& message) {
  return json{{"error", {{"status", status}, {"code", code}, {"message", message}}}}.dump();
}

bool Api::Authorized(const HttpRequest& r) const {
  auto it = r.headers.find("authorization");
  if (it == r.headers.end()) return false;
  const std::string prefix = "Bearer ";
  if (it->second.compare(0, prefix.size(), prefix) != 0) return false;
  std::string given = it->second.substr(prefix.size());
  return given.size() == c_.token.size() && !c_.token.empty() &&
         sodium_memcmp(given.data(), c_.token.data(), given.size()) == 0;
}

HttpResponse Api::Handle(const HttpRequest& request) const {
  std::string path = request.target, query;
  if (size_t q = path.find('?'); q != std::string::npos) {
    query = path.substr(q + 1);
    path.resize(q);
  }
  try {
    return Route(request, path, query);
  } catch (const ApiError& e) {
    return {e.status, "application/json", ErrorBody(e.status, e.code, e.message)};
  } catch (const std::exception& e) {
    return {500, "application/json", ErrorBody(500, "internal", e.what())};
  }
}

HttpResponse Api::Route(const HttpRequest& r, const std::string& path, const std::string& query) const {
  auto p = Split(path);
  const bool get = r.method == "GET", post = r.method == "POST";
  auto need = [&](bool method_ok) {
    if (!method_ok) Fail(405, "method_not_allowed", r.method + " is not allowed on " + path);
  };
  auto need_token = [&] {
    if (!Authorized(r)) Fail(401, "unauthorized", "this call needs 'Authorization: Bearer <token>' (the token file in the data dir)");
  };
  if (p.size() < 2 || p[0] != "v1") Fail(404, "unknown_call", "no such call: " + r.method + " " + path);
  const std::string& what = p[1];
  const sdk::ChainClient& chain = c_.chain;

  if (what == "status" && p.size() == 2) {
    need(get);
    std::string network;
    chain::Hash genesis = chain.GenesisHash(&network);
    sdk::ChainHead head = chain.Head();
    json j{{"network_id", network},
           {"genesis", chain::BlockId(genesis)},
           {"head", {{"height", head.height}, {"hash", chain::BlockId(head.hash)}, {"time_ms", head.time_ms},
                     {"weight", head.weight.ToString()}}},
           {"mempool_size", chain.MempoolSize()}};
    if (c_.p2p) {
      std::string peers;
      c_.p2p->peers_json(c_.p2p->header.instance,
                         bciin_sink{&peers, [](void* c, const uint8_t* d, size_t n) {
                                      static_cast<std::string*>(c)->append(reinterpret_cast<const char*>(d), n);
                                    }});
      json pj = json::parse(peers, nullptr, false);
      size_t active = 0;
      if (pj.is_array())
        for (const auto& x : pj)
          if (x.value("state", "") == "active") ++active;
      j["peers"] = active;
    }
    return Json(200, j);
  }

  if (what == "blocks" || what == "headers") {
    need(get);
    chain::Hash hash{};
    if (p.size() == 3 && p[2] == "head") {
      hash = chain.Head().hash;
    } else if (p.size() == 4 && p[2] == "height") {
      if (Status s = chain.GetMainHash(ParseHeight(p[3]), &hash); !s.ok()) FailStatus(s);
    } else if (p.size() == 3) {
      hash = ParseId(chain::kBlockHashPrefix, p[2]);
    } else {
      Fail(404, "unknown_call", "no such call: " + r.method + " " + path);
    }
    if (what == "headers") {
      chain::Header h;
      if (Status s = chain.GetHeader(hash, &h); !s.ok()) FailStatus(s);
      return Json(200, HeaderJson(h));
    }
    chain::Block b;
    if (Status s = chain.GetBlock(hash, &b); !s.ok()) FailStatus(s);
    return Json(200, BlockJson(b, QueryParam(query, "full") == "true"));
  }

  if (what == "transactions") {
    if (p.size() == 2) {
      need(post);
      need_token();
      json body = ParseBody(r);
      auto bytes = chain::FromHex(StringField(body, "tx"));
      if (!bytes) Fail(400, "invalid_argument", "'tx' is not hex");
      chain::Hash h{};
      if (Status s = chain.SubmitTx(*bytes, &h); !s.ok()) FailStatus(s);
      return Json(202, json{{"hash", chain::TxId(h)}, {"state", "pending"}});
    }
    if (p.size() == 3) {
      need(get);
      chain::Hash h = ParseId(chain::kTxHashPrefix, p[2]);
      bciin_chain_tx_status st;
      std::string raw;
      if (Status s = chain.TxStatus(h, &st, &raw); !s.ok()) FailStatus(s);
      json j = TxStatusJson(st);
      j["hash"] = p[2];
      chain::SignedTx stx;
      if (!raw.empty() && chain::DecodeCanonical(chain::AsView(raw), &stx, "tx").ok()) j["tx"] = TxJson(stx);
      return Json(st.state == BCIIN_CHAIN_TX_UNKNOWN ? 404 : 200,
                  st.state == BCIIN_CHAIN_TX_UNKNOWN
                      ? json{{"error", {{"status", 404}, {"code", "not_found"}, {"message", "unknown transaction " + p[2]}}}}
                      : j);
    }
  }

  if (what == "accounts" && (p.size() == 3 || (p.size() == 4 && p[3] == "proof"))) {
    need(get);
    chain::PublicKey key = ParseId(chain::kAccountPrefix, p[2]);
    if (p.size() == 3) {
      std::optional<chain::Account> a;
      if (Status s = chain.GetAccount(key, &a); !s.ok()) FailStatus(s);
      if (!a) Fail(404, "not_found", "no account " + p[2]);
      return Json(200, AccountJson(key, *a));
    }
    std::string proof, header;
    if (Status s = chain.Prove(chain::kAccountsSubtree, key, nullptr, &proof, &header); !s.ok()) FailStatus(s);
    return Json(200, json{{"subtree", chain::kAccountsSubtree}, {"key", chain::ToHex(key)},
                          {"proof", chain::ToHex(chain::AsView(proof))}, {"header", chain::ToHex(chain::AsView(header))}});
  }

  if (what == "state" && p.size() == 5 && p[4] == "proof") {
    need(get);
    auto key = chain::FromHex(p[3]);
    if (!key) Fail(400, "invalid_argument", "the key is not hex");
    std::optional<chain::Hash> block;
    if (std::string b = QueryParam(query, "block"); !b.empty()) block = ParseId(chain::kBlockHashPrefix, b);
    std::string proof, header;
    if (Status s = chain.Prove(p[2], *key, block ? &*block : nullptr, &proof, &header); !s.ok()) FailStatus(s);
    return Json(200, json{{"subtree", p[2]}, {"key", p[3]}, {"proof", chain::ToHex(chain::AsView(proof))},
                          {"header", chain::ToHex(chain::AsView(header))}});
  }

  if (what == "mempool" && p.size() == 2) {
    need(get);
    uint64_t limit = 100;
    if (std::string l = QueryParam(query, "limit"); !l.empty()) limit = std::min<uint64_t>(ParseHeight(l), 10000);
    std::vector<chain::SignedTx> txs;
    if (Status s = chain.MempoolTxs(static_cast<uint32_t>(limit), &txs); !s.ok()) FailStatus(s);
    json list = json::array();
    for (const auto& stx : txs) list.push_back(TxJson(stx));
    return Json(200, json{{"size", chain.MempoolSize()}, {"txs", list}});
  }

  if (what == "peers" && p.size() == 2) {
    if (!c_.p2p) Fail(503, "unavailable", "the p2p plugin is not loaded");
    if (post) {
      need_token();
      json body = ParseBody(r);
      std::string address = StringField(body, "address");
      bciin_error e{};
      if (c_.p2p->connect(c_.p2p->header.instance, address.c_str(), &e) != BCIIN_OK)
        FailStatus(Status(static_cast<bciin_status_code>(e.code ? e.code : BCIIN_ERR_INTERNAL), e.message));
      return Json(202, json{{"address", address}, {"state", "connecting"}});
    }
    need(get);
    std::string peers;
    c_.p2p->peers_json(c_.p2p->header.instance, bciin_sink{&peers, [](void* c, const uint8_t* d, size_t n) {
                                                            static_cast<std::string*>(c)->append(
                                                                reinterpret_cast<const char*>(d), n);
                                                          }});
    return {200, "application/json", peers.empty() ? "[]" : peers};
  }

  if (what == "devices") {
    if (!c_.devices) Fail(404, "devices_unavailable", "this node offers no device service (bciin.devices/1)");
    return c_.devices->Handle(r, p, query, Authorized(r));
  }

  if (what == "contracts" || what == "receipts") return ContractRoute(chain, r, p, query);

  if (what == "plugins" && p.size() == 2) {
    need(get);
    return Json(200, c_.plugins ? c_.plugins() : json::array());
  }

  Fail(404, "unknown_call", "no such call: " + r.method + " " + path);
}

}  // namespace bciin::api
