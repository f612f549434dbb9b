// A loopback devnet of real bciin-node processes for the network tests and bench/network: a
// genesis with funded keys, nodes on free ports (p2p and API port 0, read back from the log),
// the API through HTTP, and signed spends.
#pragma once

#include "process.hpp"

#include <bciin/chain/ed25519.h>
#include <bciin/chain/objects.h>
#include <bciin/sdk/status.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bciin::testing {

// A genesis funding `accounts` fresh keys, and the consensus-dev authority key.
struct Devnet {
  std::filesystem::path dir;
  std::string network_id;
  std::filesystem::path genesis;
  std::filesystem::path authority_key;
  chain::KeyPair authority = chain::KeyPair::Generate();
  std::vector<chain::KeyPair> accounts;

  static Status Create(const std::filesystem::path& dir, size_t accounts, Devnet* out);
};

struct NodeOptions {
  bool produce = false;           // seals blocks with the authority key
  uint64_t interval_ms = 300;     // consensus-dev interval (every node of a devnet: the same)
  std::vector<std::string> peers; // ip:port dialed and redialed
  std::string storage = "storage-leveldb";
  unsigned verify_threads = 1;
  uint16_t p2p_port = 0;          // 0: any free port (kept across restarts once known)
  std::string chain_extra;        // lines added to [chain]
  std::string p2p_extra;          // lines added to [p2p]
};

// One bciin-node process. Start() (re)starts it on its data dir; the destructor kills it.
class Node {
 public:
  Node(const Devnet& net, std::filesystem::path data_dir, NodeOptions options);

  // Writes the config, starts the process and waits for the API; false (with the output in
  // `error`) when it did not come up.
  bool Start(std::string* error = nullptr);
  // Sends `sig` and waits; the exit code (128 + signal when killed by it, -1 when it did not exit).
  int Kill(int sig);
  bool Running() { return process_ && process_->Running(); }

  NodeOptions& options() { return options_; }
  Process& process() { return *process_; }
  std::string Output() const { return process_ ? process_->Output() : ""; }
  uint16_t p2p_port() const { return p2p_port_; }
  std::string P2pAddress() const { return "127.0.0.1:" + std::to_string(p2p_port_); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(api_port_); }
  const std::string& token() const { return token_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  // API calls; a failed call yields {"failed": "..."}.
  nlohmann::json Get(const std::string& target) const;
  uint64_t Height() const;
  std::string MainHash(uint64_t height) const;
  nlohmann::json Header(uint64_t height) const;  // {} when missing
  Status Submit(const chain::SignedTx& stx, nlohmann::json* out = nullptr) const;
  Status AddPeer(const std::string& address) const;

 private:
  const Devnet& net_;
  std::filesystem::path data_dir_;
  NodeOptions options_;
  std::unique_ptr<Process> process_;
  uint16_t p2p_port_ = 0, api_port_ = 0;
  std::string token_;
};

// A spend of `amount` from `from` to `to` with `nonce`, gas covering it, gas price 1.
chain::SignedTx MakeSpend(const std::string& network_id, const chain::KeyPair& from, const chain::PublicKey& to,
                          uint64_t amount, uint64_t nonce);

// Polls `pred` every 100 ms; false when it still fails after `timeout`.
bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// The number after the last `marker` in `text` (0 when absent).
uint64_t NumberAfter(const std::string& text, const std::string& marker);

}  // namespace bciin::testing
