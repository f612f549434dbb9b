#include "json_views.h"

#include <bciin/chain/address.h>

namespace bciin::api {

using nlohmann::json;

json HeaderJson(const chain::Header& h) {
  return json{{"hash", chain::BlockId(h.BlockHash())},
              {"height", h.height},
              {"version", h.version},
              {"prev_hash", chain::BlockId(h.prev_hash)},
              {"time_ms", h.time_ms},
              {"tx_root", chain::ToHex(h.tx_root)},
              {"state_root", chain::StateId(h.state_root)},
              {"entropy", chain::ToHex(h.entropy)},
              {"beneficiary", chain::AccountId(h.beneficiary)},
              {"gas_used", h.gas_used},
              {"consensus", chain::ToHex(h.consensus)},
              {"seal", chain::ToHex(h.seal)},
              {"encoded", chain::ToHex(chain::Encode(h))}};
}

json TxJson(const chain::SignedTx& stx) {
  const chain::Tx& tx = stx.tx;
  json j{{"hash", chain::TxId(chain::TxHash(stx))},
         {"type", tx.type},
         {"version", tx.version},
         {"sender", chain::AccountId(tx.sender)},
         {"nonce", tx.nonce},
         {"ttl", tx.ttl},
         {"gas", tx.gas},
         {"gas_price", tx.gas_price},
         {"payload", chain::ToHex(tx.payload)},
         {"signature", chain::ToHex(stx.signature)}};
  if (tx.type == chain::kSpendTxType) {
    chain::SpendPayload p;
    if (chain::DecodeCanonical(tx.payload, &p, "spend").ok())
      j["spend"] = {{"recipient", chain::AccountId(p.recipient)},
                    {"amount", p.amount.ToString()},
                    {"data", chain::ToHex(p.data)}};
  }
  return j;
}

json BlockJson(const chain::Block& b, bool full) {
  json j = HeaderJson(b.header);
  json txs = json::array();
  for (const auto& stx : b.txs) txs.push_back(full ? TxJson(stx) : json(chain::TxId(chain::TxHash(stx))));
  j["txs"] = std::move(txs);
  return j;
}

json AccountJson(const chain::PublicKey& key, const chain::Account& a) {
  return json{{"address", chain::AccountId(key)},
              {"balance", a.balance.ToString()},
              {"nonce", a.nonce},
              {"updated_height", a.updated_height}};
}

json TxStatusJson(const bciin_chain_tx_status& s) {
  static const char* kStates[] = {"unknown", "pending", "included"};
  json j{{"state", kStates[s.state >= 0 && s.state <= 2 ? s.state : 0]}};
  if (s.state == BCIIN_CHAIN_TX_INCLUDED) {
    chain::Hash h;
    std::copy(s.block_hash, s.block_hash + 32, h.begin());
    j["block"] = chain::BlockId(h);
    j["height"] = s.block_height;
    j["index"] = s.index;
    j["success"] = s.success != 0;
    j["gas_used"] = s.gas_used;
    j["confirmations"] = s.confirmations;
  }
  return j;
}

}  // namespace bciin::api
