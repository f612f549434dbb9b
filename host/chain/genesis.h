// The chain's parameters and initial allocation, read from the genesis JSON file.
//
//   {
//     "network_id": "bciin-devnet",          signed into every transaction (1..64 bytes)
//     "time_ms": 1700000000000,              the genesis block's time
//     "block_reward": "5000000000",          DSD (smallest unit) to each block's beneficiary
//     "maintenance_fee_per_block": "0",      charged to an account per block since its last update
//     "min_gas_price": 1,
//     "max_block_bytes": 1048576,            encoded block size limit
//     "max_tx_bytes": 65536,                 encoded signed transaction size limit
//     "block_gas_limit": 60000000,
//     "max_future_ms": 30000,                how far ahead of the local clock a block may be
//     "accounts": [ {"address": "ak_...", "balance": "1000000"} ],
//     "extensions": { "<subtree>": <any JSON handed to that extension's genesis()> }
//   }
// Amounts are decimal strings (they exceed JSON's safe integers). Every field but network_id
// and accounts has the default shown in docs/formats.md.
#pragma once

#include <bciin/chain/objects.h>
#include <bciin/sdk/status.hpp>

#include <map>
#include <string>
#include <vector>

namespace bciin::chain {

// Gas schedule (per chain-mechanisms §2.3): base gas of the type, plus per byte of the
// encoded unsigned transaction.
inline constexpr uint64_t kGasPerByte = 20;
inline constexpr uint64_t kSpendBaseGas = 15000;

// The intrinsic gas of a spend `tx` (its gas field's value does not change the size).
inline uint64_t SpendIntrinsicGas(const Tx& tx) { return kSpendBaseGas + kGasPerByte * Encode(tx).size(); }

struct ChainParams {
  std::string network_id;
  uint64_t genesis_time_ms = 0;
  Amount block_reward;
  Amount maintenance_fee_per_block;
  uint64_t min_gas_price = 1;
  uint64_t max_block_bytes = 1 << 20;
  uint64_t max_tx_bytes = 64 * 1024;
  uint64_t block_gas_limit = 60'000'000;
  uint64_t max_future_ms = 30'000;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Str(network_id, 64);
    io.U64(genesis_time_ms);
    io.Amt(block_reward);
    io.Amt(maintenance_fee_per_block);
    io.U64(min_gas_price);
    io.U64(max_block_bytes);
    io.U64(max_tx_bytes);
    io.U64(block_gas_limit);
    io.U64(max_future_ms);
  }
};

struct GenesisAllocation {
  PublicKey account{};
  Amount balance;
};

struct Genesis {
  ChainParams params;
  std::vector<GenesisAllocation> accounts;
  std::map<std::string, std::string> extension_config;  // subtree -> JSON text

  static Status FromJson(std::string_view json_text, Genesis* out);
  static Status FromFile(const std::string& path, Genesis* out);
};

}  // namespace bciin::chain
