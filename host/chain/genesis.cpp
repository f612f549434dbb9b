#include "genesis.h"

#include <bciin/chain/address.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace bciin::chain {

namespace {

Status ReadAmount(const nlohmann::json& j, const char* name, Amount* out) {
  if (!j.contains(name)) return Status();
  const auto& v = j.at(name);
  std::optional<Amount> a;
  if (v.is_string()) a = Amount::Parse(v.get<std::string>());
  else if (v.is_number_unsigned()) a = Amount(v.get<uint64_t>());
  if (!a) return Status::InvalidArgument(std::string("genesis: '") + name + "' is not an amount (a decimal string)");
  *out = *a;
  return Status();
}

Status ReadU64(const nlohmann::json& j, const char* name, uint64_t* out) {
  if (!j.contains(name)) return Status();
  const auto& v = j.at(name);
  if (!v.is_number_unsigned()) return Status::InvalidArgument(std::string("genesis: '") + name + "' is not an unsigned integer");
  *out = v.get<uint64_t>();
  return Status();
}

}  // namespace

Status Genesis::FromJson(std::string_view text, Genesis* out) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("genesis: not JSON: ") + e.what());
  }
  if (!j.is_object()) return Status::InvalidArgument("genesis: not a JSON object");
  static const std::set<std::string> known = {
      "network_id", "time_ms", "block_reward", "maintenance_fee_per_block", "min_gas_price",
      "max_block_bytes", "max_tx_bytes", "block_gas_limit", "max_future_ms", "accounts",
      "extensions", "comment"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key())) return Status::InvalidArgument("genesis: unknown field '" + it.key() + "'");
  Genesis g;
  if (!j.contains("network_id") || !j["network_id"].is_string())
    return Status::InvalidArgument("genesis: 'network_id' (a string) is required");
  g.params.network_id = j["network_id"].get<std::string>();
  if (g.params.network_id.empty() || g.params.network_id.size() > 64)
    return Status::InvalidArgument("genesis: 'network_id' must be 1 to 64 bytes");
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "time_ms", &g.params.genesis_time_ms));
  BCIIN_RETURN_IF_ERROR(ReadAmount(j, "block_reward", &g.params.block_reward));
  BCIIN_RETURN_IF_ERROR(ReadAmount(j, "maintenance_fee_per_block", &g.params.maintenance_fee_per_block));
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "min_gas_price", &g.params.min_gas_price));
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "max_block_bytes", &g.params.max_block_bytes));
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "max_tx_bytes", &g.params.max_tx_bytes));
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "block_gas_limit", &g.params.block_gas_limit));
  BCIIN_RETURN_IF_ERROR(ReadU64(j, "max_future_ms", &g.params.max_future_ms));
  if (g.params.max_tx_bytes > g.params.max_block_bytes)
    return Status::InvalidArgument("genesis: max_tx_bytes exceeds max_block_bytes");
  if (j.contains("accounts")) {
    if (!j["accounts"].is_array()) return Status::InvalidArgument("genesis: 'accounts' is not an array");
    std::set<PublicKey> seen;
    Amount total;
    for (const auto& a : j["accounts"]) {
      if (!a.is_object() || !a.contains("address") || !a["address"].is_string())
        return Status::InvalidArgument("genesis: an account without an 'address' string");
      GenesisAllocation alloc;
      BCIIN_RETURN_IF_ERROR(DecodeId(kAccountPrefix, a["address"].get<std::string>(), &alloc.account)
                                .WithContext("genesis account"));
      BCIIN_RETURN_IF_ERROR(ReadAmount(a, "balance", &alloc.balance));
      if (!seen.insert(alloc.account).second)
        return Status::InvalidArgument("genesis: account " + a["address"].get<std::string>() + " listed twice");
      auto sum = total.Add(alloc.balance);
      if (!sum) return Status::InvalidArgument("genesis: the total allocation overflows");
      total = *sum;
      g.accounts.push_back(alloc);
    }
  }
  if (j.contains("extensions")) {
    if (!j["extensions"].is_object()) return Status::InvalidArgument("genesis: 'extensions' is not an object");
    for (auto it = j["extensions"].begin(); it != j["extensions"].end(); ++it)
      g.extension_config[it.key()] = it.value().dump();
  }
  *out = std::move(g);
  return Status();
}

Status Genesis::FromFile(const std::string& path, Genesis* out) {
  std::ifstream in(path);
  if (!in) return Status::IoError("cannot read genesis file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return FromJson(ss.str(), out).WithContext(path);
}

}  // namespace bciin::chain
