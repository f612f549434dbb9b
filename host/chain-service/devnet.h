// Devnet bootstrap: a genesis file and the keys that go with it, for a node (or a group of
// nodes) started with no genesis of their own.
#pragma once

#include <bciin/chain/ed25519.h>
#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <string>

namespace bciin::chain_service {

struct DevnetOptions {
  std::string network_id = "bciin-devnet";
  size_t accounts = 4;                    // funded accounts, keys devnet/account-<i>.key
  std::string balance = "1000000000000000";  // each, in the smallest unit
  uint64_t time_ms = 0;                    // 0: now
};

// Writes `genesis_path` funding `options.accounts` fresh keys, each saved (hex seed, mode
// 0600) as `key_dir`/account-<i>.key. Refuses to overwrite an existing genesis.
Status WriteDevnetGenesis(const std::filesystem::path& genesis_path, const std::filesystem::path& key_dir,
                          const DevnetOptions& options);

}  // namespace bciin::chain_service
