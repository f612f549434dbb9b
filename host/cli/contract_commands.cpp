// bciin-cli contract: deploy and call contracts with locally signed transactions, read receipts,
// contract accounts and storage entries, and check a storage entry's state proof against its
// header as a light client. docs/cli.md "Contracts"; the formats are docs/contracts.md.
#include "commands.h"

#include <bciin/chain/address.h>
#include <bciin/chain/contract_state.h>
#include <bciin/chain/light_client.h>

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>

namespace bciin::cli {
namespace {

using nlohmann::json;

bool IsHex(std::string_view s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

void AppendLe(chain::Bytes* out, uint64_t lo, uint64_t hi, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out->push_back(static_cast<uint8_t>(i < 8 ? lo >> (8 * i) : hi >> (8 * (i - 8))));
}

// Contract input from the command line. Plain hex, or a comma-separated list of typed items
// appended in order: ak_.../ct_... (32 bytes), key:NAME (a keystore key's address), u8:N,
// u64:N (8 bytes little-endian), u128:N (16 bytes little-endian), text:TEXT, hex:HEX.
Status ParseInput(const Context& c, const std::string& text, chain::Bytes* out) {
  if (IsHex(text) && text.find(',') == std::string::npos) {
    auto b = chain::FromHex(text);
    out->insert(out->end(), b->begin(), b->end());
    return Status();
  }
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find(',', i);
    if (j == std::string::npos) j = text.size();
    const std::string item = text.substr(i, j - i);
    i = j + 1;
    if (item.empty()) continue;
    const size_t colon = item.find(':');
    const std::string kind = item.substr(0, colon == std::string::npos ? 0 : colon);
    const std::string value = colon == std::string::npos ? item : item.substr(colon + 1);
    auto bad = [&](const std::string& why) { return Status::InvalidArgument("input item '" + item + "': " + why); };
    if (item.rfind("ak_", 0) == 0 || item.rfind("ct_", 0) == 0 || kind == "key") {
      chain::PublicKey key{};
      Status s = item.rfind("ct_", 0) == 0 ? chain::DecodeId(chain::kContractPrefix, item, &key)
                                           : c.ResolveAddress(kind == "key" ? value : item, &key);
      if (!s.ok()) return bad(s.message());
      out->insert(out->end(), key.begin(), key.end());
    } else if (kind == "u8" || kind == "u64") {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc() || p != value.data() + value.size() || (kind == "u8" && v > 255))
        return bad("not a " + kind + " number");
      AppendLe(out, v, 0, kind == "u8" ? 1 : 8);
    } else if (kind == "u128") {
      auto v = chain::Amount::Parse(value);
      if (!v) return bad("not a u128 number");
      AppendLe(out, v->lo(), v->hi(), 16);
    } else if (kind == "text") {
      out->insert(out->end(), value.begin(), value.end());
    } else if (kind == "hex") {
      auto b = chain::FromHex(value);
      if (!b) return bad("not hex");
      out->insert(out->end(), b->begin(), b->end());
    } else {
      return bad("expected hex, ak_/ct_, key:, u8:, u64:, u128:, text: or hex:");
    }
  }
  return Status();
}

Status ReadFileBytes(const std::string& path, const char* what, chain::Bytes* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(std::string(what) + " " + path + ": cannot be read");
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return Status();
}

// --args HEX-or-items / --args-file FILE, appended to `out`.
Status ReadArgs(const Context& c, chain::Bytes* out) {
  const Args& a = c.args();
  if (a.Has("args") && a.Has("args-file")) return Status::InvalidArgument("give --args or --args-file, not both");
  if (a.Has("args")) return ParseInput(c, a.Get("args"), out).WithContext("--args");
  if (a.Has("args-file")) {
    chain::Bytes b;
    if (Status s = ReadFileBytes(a.Get("args-file"), "--args-file", &b); !s.ok()) return s;
    out->insert(out->end(), b.begin(), b.end());
  }
  return Status();
}

Status ParseContractAddress(const std::string& text, chain::PublicKey* out) {
  if (chain::DecodeId(chain::kContractPrefix, text, out).ok() || chain::DecodeId(chain::kAccountPrefix, text, out).ok())
    return Status();
  return Status::InvalidArgument("not a contract address (ct_... or ak_...): " + text);
}

// Amounts and sizes printed for people: 8 or 16 bytes also as little-endian numbers.
std::string Describe(const std::string& hex) {
  auto b = chain::FromHex(hex);
  if (!b || b->empty()) return "(none)";
  std::string text = hex;
  if (b->size() == 8 || b->size() == 16) {
    uint64_t lo = 0, hi = 0;
    for (size_t i = 0; i < b->size(); ++i) (i < 8 ? lo : hi) |= static_cast<uint64_t>((*b)[i]) << (8 * (i % 8));
    text += " (" + chain::Amount::FromParts(lo, hi).ToString() + " little-endian)";
  }
  return text;
}

std::string ReceiptText(const json& r) {
  std::string text = fmt::format("receipt: {}, contract {}, VM gas {}\n", r.value("status", ""),
                                 r.value("contract", ""), r.value("gas_used", uint64_t{0}));
  if (!r.value("message", "").empty()) text += "  message: " + r.value("message", "") + "\n";
  if (!r.value("return_data", "").empty()) text += "  return data: " + Describe(r.value("return_data", "")) + "\n";
  for (const auto& e : r.value("events", json::array()))
    text += fmt::format("  event {} from {}: {}\n",
                        e["topic"].is_string() ? e["topic"].get<std::string>() : "0x" + e.value("topic_hex", ""),
                        e.value("contract", ""), e.value("data", "").empty() ? "(no data)" : e.value("data", ""));
  return text;
}

// The receipt of an included transaction; nullopt when it has none (it ran no contract).
Status FetchReceipt(const Context& c, const std::string& tx, std::optional<json>* out) {
  json j;
  Status s = c.http().Get("/v1/receipts/" + tx, &j);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status();
  if (!s.ok()) return s;
  *out = j;
  return Status();
}

// Signs and submits a contract transaction from --from, waits, and prints its receipt. A failed
// contract run is a failed command (exit 1) after its receipt is printed.
Status SubmitContractTx(Context& c, uint16_t type, chain::Bytes payload, uint64_t default_gas,
                        chain::PublicKey* created) {
  const Args& a = c.args();
  chain::KeyPair key = chain::KeyPair::Generate();
  if (Status s = c.LoadKey(a.Get("from"), &key); !s.ok()) return s;
  std::string network;
  chain::Tx tx;
  if (Status s = c.NetworkAndNextNonce(key.public_key(), &network, &tx.nonce); !s.ok()) return s;
  if (a.Has("nonce")) tx.nonce = std::stoull(a.Get("nonce"));
  tx.type = type;
  tx.version = 1;
  tx.sender = key.public_key();
  tx.gas_price = std::stoull(a.Get("gas-price", "1"));
  tx.payload = std::move(payload);
  tx.gas = a.Has("gas") ? std::stoull(a.Get("gas")) : default_gas + 20 * chain::Encode(tx).size();
  if (created) {
    *created = chain::ContractAddress(key.public_key(), tx.nonce);
    c.Print(json{{"contract", chain::ContractId(*created)}, {"account", chain::AccountId(*created)}},
            fmt::format("contract address {} (account {})\n", chain::ContractId(*created), chain::AccountId(*created)));
  }
  json status;
  if (Status s = c.SignSubmitAndWait(tx, key, network, &status); !s.ok()) return s;
  if (a.Has("no-wait")) return Status();
  const std::string hash = status.value("hash", "");
  std::optional<json> receipt;
  if (Status s = FetchReceipt(c, hash, &receipt); !s.ok()) return s;
  if (receipt) c.Print(*receipt, ReceiptText(*receipt));
  if (status.value("success", false)) return Status();
  if (receipt) return Status::Rejected("the transaction failed: " + receipt->value("status", "") +
                                       (receipt->value("message", "").empty() ? "" : ": " + receipt->value("message", "")));
  return Status::Rejected("the transaction failed before any contract ran (no contract at the address?)");
}

Status Deploy(Context& c) {
  const Args& a = c.args();
  if (!c.Need(3) || !a.Has("from")) return c.Usage();
  chain::ContractCreatePayload p;
  if (Status s = ReadFileBytes(c.Arg(2), "contract code", &p.code); !s.ok()) return s;
  if (p.code.size() < 8 || std::string(p.code.begin(), p.code.begin() + 4) != std::string("\0asm", 4))
    return Status::InvalidArgument(c.Arg(2) + ": not a WebAssembly module (no \\0asm magic)");
  if (Status s = ReadArgs(c, &p.args); !s.ok()) return s;
  auto value = chain::Amount::Parse(a.Get("value", "0"));
  if (!value) return Status::InvalidArgument("--value must be a decimal number of the smallest unit");
  p.value = *value;
  const uint64_t gas = 1'000'000 + 16 * p.code.size();
  chain::PublicKey address{};
  return SubmitContractTx(c, chain::kContractCreateTxType, chain::Encode(p), gas, &address);
}

Status Call(Context& c) {
  const Args& a = c.args();
  if (!c.Need(3) || !a.Has("from")) return c.Usage();
  chain::ContractCallPayload p;
  if (Status s = ParseContractAddress(c.Arg(2), &p.contract); !s.ok()) return s;
  if (c.Need(4)) {
    // The first input bytes: 0x-prefixed hex, or the word as text (an operation name or code).
    const std::string& first = c.Arg(3);
    if (first.rfind("0x", 0) == 0) {
      if (Status s = ParseInput(c, "hex:" + first.substr(2), &p.data); !s.ok()) return s;
    } else {
      p.data.insert(p.data.end(), first.begin(), first.end());
    }
  }
  if (Status s = ReadArgs(c, &p.data); !s.ok()) return s;
  auto value = chain::Amount::Parse(a.Get("value", "0"));
  if (!value) return Status::InvalidArgument("--value must be a decimal number of the smallest unit");
  p.value = *value;
  return SubmitContractTx(c, chain::kContractCallTxType, chain::Encode(p), 500'000, nullptr);
}

Status Receipt(Context& c) {
  if (!c.Need(3)) return c.Usage();
  const std::string hash = c.Arg(2);
  json tx;
  if (Status s = c.http().Get("/v1/transactions/" + hash, &tx); !s.ok()) return s;
  json out{{"hash", hash}, {"state", tx.value("state", "unknown")}};
  std::string text = fmt::format("{}: {}", hash, tx.value("state", "unknown"));
  if (tx.value("state", "") == "included") {
    out["height"] = tx.value("height", uint64_t{0});
    out["success"] = tx.value("success", false);
    out["gas_used"] = tx.value("gas_used", uint64_t{0});
    text += fmt::format(" in block #{} ({}, gas {})", tx.value("height", uint64_t{0}),
                        tx.value("success", false) ? "ok" : "failed", tx.value("gas_used", uint64_t{0}));
  }
  text += "\n";
  std::optional<json> receipt;
  if (Status s = FetchReceipt(c, hash, &receipt); !s.ok()) return s;
  if (receipt) {
    out["receipt"] = *receipt;
    text += ReceiptText(*receipt);
  } else {
    text += "no receipt: the transaction ran no contract (or is not in a block yet)\n";
  }
  c.Print(out, text);
  return Status();
}

Status Show(Context& c) {
  if (!c.Need(3)) return c.Usage();
  chain::PublicKey address{};
  if (Status s = ParseContractAddress(c.Arg(2), &address); !s.ok()) return s;
  json j;
  if (Status s = c.http().Get("/v1/contracts/" + chain::ContractId(address), &j); !s.ok()) return s;
  c.Print(j, fmt::format("{}\n  account       {}\n  balance       {}\n  code hash     {} ({} bytes)\n"
                         "  storage root  {} ({} entries)\n  creator       {}\n",
                         j.value("address", ""), j.value("account", ""), j.value("balance", "0"),
                         j.value("code_hash", ""), j.value("code_size", uint64_t{0}), j.value("storage_root", ""),
                         j.value("storage_entries", uint64_t{0}), j.value("creator", "")));
  return Status();
}

// Checks the node's proof of one storage entry against the header it came with.
Status VerifyEntry(const json& j, const std::string& state_key, std::optional<chain::Bytes>* value, json* out) {
  auto header_bytes = chain::FromHex(j.value("header", ""));
  auto proof_bytes = chain::FromHex(j.value("proof", ""));
  if (!header_bytes || !proof_bytes || header_bytes->empty()) return Status::Corruption("the node sent no proof in hex");
  chain::Header header;
  if (Status s = chain::DecodeCanonical(*header_bytes, &header, "header"); !s.ok()) return s;
  chain::StateProof proof;
  if (Status s = chain::DecodeCanonical(*proof_bytes, &proof, "proof"); !s.ok()) return s;
  if (proof.subtree != chain::kContractSubtree || chain::AsString(proof.key) != state_key)
    return Status::Rejected("the proof is for another key than asked");
  if (Status s = chain::VerifyStateProof(header, proof, value); !s.ok()) return s.WithContext("proof rejected");
  (*out)["verified"] = true;
  (*out)["block"] = chain::BlockId(header.BlockHash());
  (*out)["height"] = header.height;
  (*out)["state_root"] = chain::StateId(header.state_root);
  return Status();
}

Status StorageEntry(Context& c) {
  if (!c.Need(4)) return c.Usage();
  chain::PublicKey address{};
  if (Status s = ParseContractAddress(c.Arg(2), &address); !s.ok()) return s;
  chain::Bytes key;
  if (Status s = ParseInput(c, c.Arg(3), &key); !s.ok()) return s;
  if (key.empty()) return Status::InvalidArgument("the storage key is empty");
  const bool verify = c.args().Has("verify");
  const std::string key_hex = chain::ToHex(key);
  json j;
  if (Status s = c.http().Get("/v1/contracts/" + chain::ContractId(address) + "/storage/" + key_hex +
                                  (verify ? "?proof=true" : ""),
                              &j);
      !s.ok())
    return s;
  json out{{"contract", chain::ContractId(address)}, {"key", key_hex}};
  std::string value_hex = j["value"].is_string() ? j["value"].get<std::string>() : "";
  bool exists = j.value("exists", false);
  if (verify) {
    std::optional<chain::Bytes> proven;
    if (Status s = VerifyEntry(j, chain::ContractStorageKey(address, chain::AsString(key)), &proven, &out); !s.ok())
      return s;
    exists = proven.has_value();
    value_hex = proven ? chain::ToHex(*proven) : "";
  }
  out["exists"] = exists;
  out["value"] = exists ? json(value_hex) : json(nullptr);
  std::string text = exists ? "value " + Describe(value_hex) : std::string("no such entry");
  if (verify)
    text += fmt::format("\nverified against block #{} {} (state root {})", out.value("height", uint64_t{0}),
                        out.value("block", ""), out.value("state_root", ""));
  c.Print(out, text + "\n");
  return Status();
}

Status Contract(Context& c) {
  if (!c.Need(2)) return c.Usage();
  const std::string& sub = c.Arg(1);
  if (sub == "deploy") return Deploy(c);
  if (sub == "call") return Call(c);
  if (sub == "receipt") return Receipt(c);
  if (sub == "show") return Show(c);
  if (sub == "storage") return StorageEntry(c);
  return c.Usage();
}

}  // namespace

void RegisterContractCommands(CommandTable* t) {
  t->push_back({"contract",
                "contract deploy --from KEY WASMFILE [--args INPUT|--args-file F] [--value N] [--gas G] [--nonce N]\n"
                "                                   create a contract; prints its ct_ address and receipt\n"
                "contract call --from KEY ct_...|ak_... [OP|0xHEX] [--args INPUT] [--value N] [--gas G] [--nonce N]\n"
                "                                   call a contract (input: OP as text, then --args)\n"
                "contract receipt th_...            status, gas, return data, revert message, events\n"
                "contract show ct_...               code hash, storage root, balance\n"
                "contract storage ct_... KEY [--verify]\n"
                "                                   a storage entry; --verify checks its proof against its header\n"
                "    INPUT/KEY: hex, or items joined by commas: ak_/ct_..., key:NAME, u8:N, u64:N, u128:N,\n"
                "    text:TEXT, hex:HEX (numbers little-endian)",
                Contract,
                {"no-wait", "verify"}});
}

}  // namespace bciin::cli
