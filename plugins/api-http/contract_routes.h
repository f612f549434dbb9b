// The contract calls of the JSON API (docs/api.md "Contracts"): contract accounts, storage entries
// with their state proofs, and receipts. They read the VM's subtree "vm" through bciin.chain/1 and
// decode it with the documented layout (bciin/chain/contract_state.h, docs/contracts.md), so the
// API does not depend on the VM plugin.
#pragma once

#include "http_server.h"

#include <bciin/sdk/chain_service.hpp>

#include <string>
#include <vector>

namespace bciin::api {

// Answers GET /v1/contracts/{ct_|ak_}[/storage/{hex key}[?proof=true]] and GET /v1/receipts/{th_};
// `p` is the split path ("v1", "contracts" or "receipts", ...).
HttpResponse ContractRoute(const sdk::ChainClient& chain, const HttpRequest& r, const std::vector<std::string>& p,
                           const std::string& query);

}  // namespace bciin::api
