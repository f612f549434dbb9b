// Local import of encoded blocks: the chain engine on storage-leveldb and consensus-dev in this
// process, as a node runs them, with no network in between.
#pragma once

#include <bciin/chain/objects.h>
#include <bciin/sdk/status.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace bciin::bench {

struct ImportFigures {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system time of this process during the imports
  size_t blocks = 0;
  size_t txs = 0;
};

// User + system CPU time of this process so far.
double ProcessCpuSeconds();

// Imports `blocks` (canonical encodings, parents first) into a fresh leveldb store under
// `db_dir` with the genesis file `genesis` and dev consensus `authority` / `interval_ms`, timing
// the imports alone (opening the store and the genesis is not counted).
Status ImportLocally(const std::filesystem::path& db_dir, const std::string& genesis, const chain::PublicKey& authority,
                     uint64_t interval_ms, unsigned verify_threads, const std::vector<chain::Bytes>& blocks,
                     ImportFigures* out);

}  // namespace bciin::bench
