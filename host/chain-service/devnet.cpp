#include "devnet.h"

#include <bciin/chain/address.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>

namespace bciin::chain_service {

Status WriteDevnetGenesis(const std::filesystem::path& genesis_path, const std::filesystem::path& key_dir,
                          const DevnetOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(genesis_path, ec))
    return Status::AlreadyExists("genesis file " + genesis_path.string() + " already exists");
  std::filesystem::create_directories(key_dir, ec);
  if (ec) return Status::IoError("cannot create " + key_dir.string() + ": " + ec.message());
  if (genesis_path.has_parent_path()) std::filesystem::create_directories(genesis_path.parent_path(), ec);

  uint64_t time_ms = options.time_ms;
  if (time_ms == 0)
    time_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  nlohmann::json accounts = nlohmann::json::array();
  for (size_t i = 0; i < options.accounts; ++i) {
    chain::KeyPair key = chain::KeyPair::Generate();
    auto path = key_dir / ("account-" + std::to_string(i) + ".key");
    if (Status s = key.Save(path.string()); !s.ok()) return s;
    accounts.push_back({{"address", chain::AccountId(key.public_key())}, {"balance", options.balance}});
  }
  nlohmann::json g = {{"network_id", options.network_id},
                      {"time_ms", time_ms},
                      {"block_reward", "5000000000"},
                      {"maintenance_fee_per_block", "0"},
                      {"accounts", accounts}};
  auto tmp = genesis_path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp);
    out << g.dump(2) << "\n";
    if (!out) return Status::IoError("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, genesis_path, ec);
  if (ec) return Status::IoError("cannot rename " + tmp.string() + ": " + ec.message());
  return Status();
}

}  // namespace bciin::chain_service
