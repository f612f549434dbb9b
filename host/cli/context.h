// What every bciin-cli command works with: the parsed command line, the node's API, the keystore,
// output in text or JSON, and the shared steps (resolve an address, load a key, sign and submit a
// transaction and wait for its inclusion). Commands live in *_commands.cpp, one file per group,
// and register themselves in a CommandTable (commands.h).
#pragma once

#include "http_client.h"
#include "keystore.h"

#include <bciin/chain/objects.h>
#include <bciin/sdk/status.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace bciin::cli {

// The command line: positional words (the command first) and --name value options.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value, or "true" for flags
  bool Has(const std::string& n) const { return options.count(n) != 0; }
  std::string Get(const std::string& n, const std::string& fallback = "") const {
    auto it = options.find(n);
    return it == options.end() ? fallback : it->second;
  }
};

// Parses argv. Options listed in `flags` take no value; every other --name takes the next word
// (or --name=value). On failure *error says which option.
bool ParseArgs(int argc, char** argv, const std::set<std::string>& flags, Args* out, std::string* error);

// The value of an environment variable, or `fallback` when unset or empty.
std::string Env(const char* name, const std::string& fallback = "");

class Context {
 public:
  explicit Context(Args args);

  const Args& args() const { return a_; }
  bool json_output() const { return json_; }
  const HttpClient& http() const { return *http_; }
  const Keystore& keystore() const { return *keystore_; }

  // The n-th positional word (0 = the command) exists.
  bool Need(size_t n) const { return a_.positional.size() >= n; }
  const std::string& Arg(size_t i) const { return a_.positional.at(i); }
  // Marks the failure as a usage error (exit 2).
  Status Usage();
  bool usage_error() const { return usage_; }

  // Prints `j` with --json, else `text`.
  void Print(const nlohmann::json& j, const std::string& text) const;
  // GET/POST `target` and print the reply as it is.
  Status Show(const std::string& target) const;
  Status PostShow(const std::string& target, const nlohmann::json& body) const;

  // The keystore password: --password-file, else $BCIIN_PASSWORD, else a prompt on a terminal.
  Status Password(std::string* out) const;
  // An ak_ address, or the address of a key named in the keystore.
  Status ResolveAddress(const std::string& text, chain::PublicKey* out) const;
  // Loads the key named `name` (asks for the password).
  Status LoadKey(const std::string& name, chain::KeyPair* out) const;
  // The network id the node runs and the next nonce of `account` (last nonce + 1).
  Status NetworkAndNextNonce(const chain::PublicKey& account, std::string* network, uint64_t* nonce) const;

  // Signs `tx` with `key` over the node's network id, submits it, prints the hash and, unless
  // --no-wait, waits (up to --timeout seconds, default 60) with a spinner for its inclusion.
  // *receipt gets the node's transaction status when included (may be null).
  Status SignSubmitAndWait(chain::Tx tx, const chain::KeyPair& key, const std::string& network,
                           nlohmann::json* receipt) const;

 private:
  Args a_;
  bool json_ = false;
  bool usage_ = false;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Keystore> keystore_;
};

}  // namespace bciin::cli
