#include "local_import.h"

#include "chain/chain.h"
#include "dev_consensus.h"
#include "leveldb_kv.h"

#include <chrono>

#include <sys/resource.h>

namespace bciin::bench {

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Status ImportLocally(const std::filesystem::path& db_dir, const std::string& genesis_file,
                     const chain::PublicKey& authority, uint64_t interval_ms, unsigned verify_threads,
                     const std::vector<chain::Bytes>& blocks, ImportFigures* out) {
  storage::LeveldbOptions lo;  // the plugin's defaults
  lo.path = db_dir.string();
  std::unique_ptr<storage::LeveldbKv> kv;
  if (Status s = storage::LeveldbKv::Open(lo, &kv); !s.ok()) return s;
  sdk::KvServiceTable kv_table(kv.get());

  consensus::DevConsensusOptions co;
  co.authority = authority;
  co.interval_ms = interval_ms;
  consensus::DevConsensus dev(co);
  sdk::ConsensusServiceTable consensus_table(&dev);

  chain::Genesis genesis;
  if (Status s = chain::Genesis::FromFile(genesis_file, &genesis); !s.ok()) return s;
  chain::ChainOptions options;
  options.verify_threads = verify_threads;
  std::unique_ptr<chain::Chain> engine;
  if (Status s = chain::Chain::Open(sdk::KvStore(kv_table.table()), sdk::ConsensusClient(consensus_table.table()), {},
                                    nullptr, genesis, options, &engine);
      !s.ok())
    return s;

  *out = ImportFigures{};
  auto start = std::chrono::steady_clock::now();
  const double cpu_start = ProcessCpuSeconds();
  for (const auto& bytes : blocks) {
    chain::ImportResult r;
    if (Status s = engine->ImportBlock(bytes, &r); !s.ok()) return s.WithContext("local import");
    ++out->blocks;
  }
  out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out->cpu_seconds = ProcessCpuSeconds() - cpu_start;
  for (const auto& bytes : blocks) {
    chain::Block b;
    if (chain::DecodeCanonical(bytes, &b, "block").ok()) out->txs += b.txs.size();
  }
  return Status();
}

}  // namespace bciin::bench
