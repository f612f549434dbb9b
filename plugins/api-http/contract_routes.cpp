#include "contract_routes.h"

#include "api.h"

#include <bciin/chain/address.h>
#include <bciin/chain/contract_state.h>
#include <bciin/chain/light_client.h>

#include <nlohmann/json.hpp>

#include <optional>

namespace bciin::api {

namespace {

using nlohmann::json;

HttpResponse Reply(int status, const json& j) { return {status, "application/json", j.dump()}; }
HttpResponse Error(int status, const std::string& code, const std::string& message) {
  return {status, "application/json", ErrorBody(status, code, message)};
}
HttpResponse ChainError(const Status& s) {
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Error(404, "not_found", s.message());
  if (s.is(BCIIN_ERR_INVALID_ARGUMENT)) return Error(400, "invalid_argument", s.message());
  return Error(500, "internal", s.ToString());
}

// A contract address: ct_... or the same key as ak_...
bool ParseContract(const std::string& text, chain::PublicKey* out) {
  return chain::DecodeId(chain::kContractPrefix, text, out).ok() || chain::DecodeId(chain::kAccountPrefix, text, out).ok();
}

// Text when every byte is printable ASCII, else null (the hex is always there).
json Printable(const chain::Bytes& b) {
  if (b.empty()) return "";
  for (uint8_t c : b)
    if (c < 0x20 || c > 0x7e) return nullptr;
  return std::string(b.begin(), b.end());
}

json ReceiptJson(const chain::Receipt& r) {
  json events = json::array();
  for (const auto& e : r.events)
    events.push_back({{"contract", chain::ContractId(e.contract)},
                      {"topic", Printable(e.topic)},
                      {"topic_hex", chain::ToHex(e.topic)},
                      {"data", chain::ToHex(e.data)}});
  return json{{"status", chain::ReceiptStatusName(r.status)},
              {"success", r.status == static_cast<uint8_t>(chain::ReceiptStatus::kOk)},
              {"gas_used", r.gas_used},
              {"contract", chain::ContractId(r.contract)},
              {"return_data", chain::ToHex(r.return_data)},
              {"message", r.message},
              {"events", events}};
}

HttpResponse Receipt(const sdk::ChainClient& chain, const std::string& id) {
  chain::Hash tx{};
  if (Status s = chain::DecodeId(chain::kTxHashPrefix, id, &tx); !s.ok()) return Error(400, "invalid_argument", s.message());
  std::optional<std::string> raw;
  if (Status s = chain.GetState(chain::kContractSubtree, chain::AsView(chain::ContractReceiptKey(tx)), &raw); !s.ok())
    return ChainError(s);
  if (!raw) return Error(404, "not_found", "no receipt for " + id + " (unknown, pending, or it ran no contract)");
  chain::Receipt receipt;
  if (Status s = chain::DecodeCanonical(chain::AsView(*raw), &receipt, "receipt"); !s.ok()) return ChainError(s);
  json j = ReceiptJson(receipt);
  j["hash"] = id;
  return Reply(200, j);
}

HttpResponse Account(const sdk::ChainClient& chain, const chain::PublicKey& address) {
  std::optional<std::string> raw;
  if (Status s = chain.GetState(chain::kContractSubtree, chain::AsView(chain::ContractAccountKey(address)), &raw);
      !s.ok())
    return ChainError(s);
  if (!raw) return Error(404, "not_found", "no contract at " + chain::ContractId(address));
  chain::ContractAccount a;
  if (Status s = chain::DecodeCanonical(chain::AsView(*raw), &a, "contract account"); !s.ok()) return ChainError(s);
  std::optional<chain::Account> balance;
  if (Status s = chain.GetAccount(address, &balance); !s.ok()) return ChainError(s);
  std::optional<std::string> code;
  if (Status s = chain.GetState(chain::kContractSubtree, chain::AsView(chain::ContractCodeKey(a.code_hash)), &code);
      !s.ok())
    return ChainError(s);
  return Reply(200, json{{"address", chain::ContractId(address)},
                         {"account", chain::AccountId(address)},
                         {"code_hash", chain::ToHex(a.code_hash)},
                         {"code_size", code ? code->size() : 0},
                         {"storage_root", chain::ToHex(a.storage_root)},
                         {"storage_entries", a.storage_entries},
                         {"create_nonce", a.create_nonce},
                         {"creator", chain::AccountId(a.creator)},
                         {"balance", balance ? balance->balance.ToString() : "0"}});
}

HttpResponse Storage(const sdk::ChainClient& chain, const chain::PublicKey& address, const std::string& key_hex,
                     bool proof) {
  auto key = chain::FromHex(key_hex);
  if (!key || key->empty() || key->size() > chain::kMaxContractStorageKey)
    return Error(400, "invalid_argument", "the storage key must be 1.." + std::to_string(chain::kMaxContractStorageKey) +
                                              " bytes of hex");
  const std::string state_key = chain::ContractStorageKey(address, chain::AsString(*key));
  json j{{"contract", chain::ContractId(address)}, {"key", key_hex}, {"state_key", chain::ToHex(chain::AsView(state_key))},
         {"subtree", chain::kContractSubtree}};
  std::optional<std::string> value;
  if (proof) {
    // The value is read out of the proof, so value, proof and header describe the same block.
    std::string proof_bytes, header;
    if (Status s = chain.Prove(chain::kContractSubtree, chain::AsView(state_key), nullptr, &proof_bytes, &header);
        !s.ok())
      return ChainError(s);
    std::optional<chain::Bytes> proven;
    if (Status s = chain::VerifyStateProof(chain::AsView(header), chain::AsView(proof_bytes), &proven); !s.ok())
      return ChainError(s.WithContext("the node's own proof"));
    if (proven) value = chain::AsString(*proven);
    j["proof"] = chain::ToHex(chain::AsView(proof_bytes));
    j["header"] = chain::ToHex(chain::AsView(header));
  } else if (Status s = chain.GetState(chain::kContractSubtree, chain::AsView(state_key), &value); !s.ok()) {
    return ChainError(s);
  }
  j["exists"] = value.has_value();
  j["value"] = value ? json(chain::ToHex(chain::AsView(*value))) : json(nullptr);
  return Reply(200, j);
}

}  // namespace

HttpResponse ContractRoute(const sdk::ChainClient& chain, const HttpRequest& r, const std::vector<std::string>& p,
                           const std::string& query) {
  const std::string path = r.target.substr(0, r.target.find('?'));
  if (r.method != "GET") return Error(405, "method_not_allowed", r.method + " is not allowed on " + path);
  if (p[1] == "receipts" && p.size() == 3) return Receipt(chain, p[2]);
  if (p[1] == "contracts" && (p.size() == 3 || (p.size() == 5 && p[3] == "storage"))) {
    chain::PublicKey address{};
    if (!ParseContract(p[2], &address)) return Error(400, "invalid_argument", "not a ct_ or ak_ address: " + p[2]);
    if (p.size() == 3) return Account(chain, address);
    return Storage(chain, address, p[4], QueryParam(query, "proof") == "true");
  }
  return Error(404, "unknown_call", "no such call: " + r.method + " " + path);
}

}  // namespace bciin::api
