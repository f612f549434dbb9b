// bciin-cli commands over the chain: status, blocks, transactions, accounts, spends, proofs,
// mempool, peers, plugins.
#include "commands.h"

#include <bciin/chain/address.h>
#include <bciin/chain/light_client.h>
#include <bciin/chain/objects.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace bciin::cli {
namespace {

using nlohmann::json;

Status Block(Context& c) {
  std::string which = c.Need(2) ? c.Arg(1) : "head";
  std::string target = which == "head"                 ? "/v1/blocks/head"
                       : which.rfind("bh_", 0) == 0 ? "/v1/blocks/" + which
                                                      : "/v1/blocks/height/" + which;
  if (c.args().Has("full")) target += "?full=true";
  return c.Show(target);
}

Status Balance(Context& c) {
  if (!c.Need(2)) return c.Usage();
  chain::PublicKey key{};
  if (Status s = c.ResolveAddress(c.Arg(1), &key); !s.ok()) return s;
  json j;
  Status s = c.http().Get("/v1/accounts/" + chain::AccountId(key), &j);
  if (s.is(BCIIN_ERR_NOT_FOUND)) {
    j = json{{"address", chain::AccountId(key)}, {"balance", "0"}, {"nonce", 0}, {"exists", false}};
    s = Status();
  }
  if (!s.ok()) return s;
  c.Print(j, fmt::format("{}  balance {}  nonce {}\n", j.value("address", ""), j.value("balance", "0"),
                         j.value("nonce", 0)));
  return Status();
}

Status Send(Context& c) {
  const Args& a = c.args();
  std::string from = a.Get("from"), to = a.Get("to"), amount_text = a.Get("amount");
  if (from.empty() || to.empty() || amount_text.empty()) return c.Usage();
  auto amount = chain::Amount::Parse(amount_text);
  if (!amount) return Status::InvalidArgument("--amount must be a decimal number of the smallest unit");
  chain::PublicKey recipient{};
  if (Status s = c.ResolveAddress(to, &recipient); !s.ok()) return s;
  chain::KeyPair key = chain::KeyPair::Generate();
  if (Status s = c.LoadKey(from, &key); !s.ok()) return s;
  std::string network;
  chain::Tx tx;
  if (Status s = c.NetworkAndNextNonce(key.public_key(), &network, &tx.nonce); !s.ok()) return s;
  tx.type = chain::kSpendTxType;
  tx.version = 1;
  tx.sender = key.public_key();
  tx.gas_price = std::stoull(a.Get("gas-price", "1"));
  std::string data = a.Get("data");
  tx.payload = chain::Encode(chain::SpendPayload{recipient, *amount, chain::Bytes(data.begin(), data.end())});
  // Intrinsic gas of a spend: base plus per byte of the encoded unsigned transaction. A spend to a
  // contract runs its code, so --gas may raise the limit.
  tx.gas = 0;
  tx.gas = a.Has("gas") ? std::stoull(a.Get("gas")) : 15000 + 20 * chain::Encode(tx).size();
  return c.SignSubmitAndWait(tx, key, network, nullptr);
}

Status Verify(Context& c) {
  if (!c.Need(2)) return c.Usage();
  chain::PublicKey key{};
  if (Status s = c.ResolveAddress(c.Arg(1), &key); !s.ok()) return s;
  std::string target = "/v1/state/accounts/" + chain::ToHex(key) + "/proof";
  if (c.args().Has("block")) target += "?block=" + c.args().Get("block");
  json j;
  if (Status s = c.http().Get(target, &j); !s.ok()) return s;
  auto header_bytes = chain::FromHex(j.value("header", ""));
  auto proof_bytes = chain::FromHex(j.value("proof", ""));
  if (!header_bytes || !proof_bytes) return Status::Corruption("the node sent a proof that is not hex");
  chain::Header header;
  if (Status s = chain::DecodeCanonical(*header_bytes, &header, "header"); !s.ok()) return s;
  chain::StateProof proof;
  if (Status s = chain::DecodeCanonical(*proof_bytes, &proof, "proof"); !s.ok()) return s;
  if (proof.subtree != chain::kAccountsSubtree || !std::equal(proof.key.begin(), proof.key.end(), key.begin()) ||
      proof.key.size() != key.size())
    return Status::Rejected("the proof is for another key than asked");
  std::optional<chain::Bytes> value;
  if (Status s = chain::VerifyStateProof(header, proof, &value); !s.ok()) return s.WithContext("proof rejected");
  json out{{"verified", true},
           {"address", chain::AccountId(key)},
           {"block", chain::BlockId(header.BlockHash())},
           {"height", header.height},
           {"state_root", chain::StateId(header.state_root)}};
  if (value) {
    chain::Account acc;
    if (Status s = chain::DecodeCanonical(*value, &acc, "account"); !s.ok()) return s;
    out["exists"] = true;
    out["balance"] = acc.balance.ToString();
    out["nonce"] = acc.nonce;
  } else {
    out["exists"] = false;
  }
  c.Print(out, fmt::format("verified against block #{} {}: {}\n", header.height, chain::BlockId(header.BlockHash()),
                           value ? "balance " + out["balance"].get<std::string>() + ", nonce " +
                                       std::to_string(out["nonce"].get<uint64_t>())
                                 : std::string("the account does not exist")));
  return Status();
}

}  // namespace

void RegisterChainCommands(CommandTable* t) {
  t->push_back({"status", "status | head                      the node's network, genesis and head",
                [](Context& c) { return c.Show("/v1/status"); }});
  t->push_back({"head", "", [](Context& c) { return c.Show("/v1/status"); }});
  t->push_back({"block", "block [head|HEIGHT|bh_...] [--full] a block", Block, {"full"}});
  t->push_back({"tx", "tx th_...                          a transaction's status",
                [](Context& c) { return c.Need(2) ? c.Show("/v1/transactions/" + c.Arg(1)) : c.Usage(); }});
  t->push_back({"balance", "balance ak_...|KEYNAME             an account", Balance});
  t->push_back({"send",
                "send --from KEY --to ak_...|KEY --amount N [--gas-price P] [--gas G] [--data TEXT]\n"
                "     [--no-wait] [--timeout S]     sign locally, submit, wait for inclusion",
                Send,
                {"no-wait"}});
  t->push_back({"verify",
                "verify ak_...|KEYNAME [--block bh_...]\n"
                "                                   fetch a state proof and check it against its header (light client)",
                Verify});
  t->push_back({"mempool", "mempool | peers | plugins          what the node holds, whom it talks to, what it runs",
                [](Context& c) { return c.Show("/v1/mempool"); }});
  t->push_back({"peers", "", [](Context& c) { return c.Show("/v1/peers"); }});
  t->push_back({"plugins", "", [](Context& c) { return c.Show("/v1/plugins"); }});
  t->push_back({"peer-add", "peer-add HOST:PORT                 ask the node to dial a peer (needs the token)",
                [](Context& c) {
                  return c.Need(2) ? c.PostShow("/v1/peers", json{{"address", c.Arg(1)}}) : c.Usage();
                }});
}

}  // namespace bciin::cli
