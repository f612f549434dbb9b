// JSON views of chain objects for the API (docs/api.md). Hashes and keys print as prefixed
// ids (bh_, th_, sh_, ak_), amounts as decimal strings, raw encodings as hex.
#pragma once

#include <bciin/chain/objects.h>
#include <bciin/chain_service.h>

#include <nlohmann/json.hpp>

namespace bciin::api {

nlohmann::json HeaderJson(const chain::Header& h);
nlohmann::json TxJson(const chain::SignedTx& stx);
// `full`: transactions as objects; otherwise their hashes.
nlohmann::json BlockJson(const chain::Block& b, bool full);
nlohmann::json AccountJson(const chain::PublicKey& key, const chain::Account& a);
nlohmann::json TxStatusJson(const bciin_chain_tx_status& s);

}  // namespace bciin::api
