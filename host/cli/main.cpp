// bciin-cli: drive a node through its JSON API (api-http), keep keys in an encrypted keystore,
// sign transactions locally, verify state proofs as a light client, and set up devnets.
// `bciin-cli help` lists every command; docs/cli.md has examples.
#include "http_client.h"
#include "keystore.h"

#include "devnet.h"

#include <bciin/chain/address.h>
#include <bciin/chain/light_client.h>
#include <bciin/chain/objects.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace {

using bciin::Status;
using nlohmann::json;
namespace chain = bciin::chain;
namespace cli = bciin::cli;

constexpr int kExitOk = 0, kExitUsage = 2, kExitFailed = 1, kExitNode = 3;

const char kUsage[] = R"(bciin-cli [global options] <command> [arguments]

global options:
  --node URL            the node's API (default $BCIIN_NODE or http://127.0.0.1:8550)
  --token-file FILE     API token for write calls (default $BCIIN_TOKEN_FILE; --token TEXT also works)
  --keystore DIR        encrypted keys (default $BCIIN_KEYSTORE or ~/.bciin/keystore)
  --password-file FILE  keystore password from a file (else $BCIIN_PASSWORD, else a prompt)
  --json                machine-readable output

commands:
  status | head                      the node's network, genesis and head
  block [head|HEIGHT|bh_...] [--full] a block
  tx th_...                          a transaction's status
  balance ak_...|KEYNAME             an account
  send --from KEY --to ak_...|KEY --amount N [--gas-price P] [--data TEXT] [--no-wait] [--timeout S]
                                     sign locally, submit, wait for inclusion
  verify ak_...|KEYNAME [--block bh_...]
                                     fetch a state proof and check it against its header (light client)
  mempool | peers | plugins          what the node holds, whom it talks to, what it runs
  peer-add HOST:PORT                 ask the node to dial a peer (needs the token)
  keys new NAME | keys list | keys import NAME SEEDFILE | keys export NAME [--out FILE]
  devnet init --dir DIR [--nodes N] [--p2p-port P] [--api-port P] [--interval-ms MS] [--accounts N]
                                     a genesis, keys and one node.ini per node for a loopback devnet
)";

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value, or "true" for flags
  bool Has(const std::string& n) const { return options.count(n) != 0; }
  std::string Get(const std::string& n, const std::string& fallback = "") const {
    auto it = options.find(n);
    return it == options.end() ? fallback : it->second;
  }
};

const std::set<std::string> kFlags = {"json", "full", "no-wait", "help"};

bool ParseArgs(int argc, char** argv, Args* out, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value = "true";
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      } else if (!kFlags.count(name)) {
        if (i + 1 >= argc) {
          *error = "option --" + name + " needs a value";
          return false;
        }
        value = argv[++i];
      }
      out->options[name] = value;
    } else {
      out->positional.push_back(a);
    }
  }
  return true;
}

std::string Env(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

class Cli {
 public:
  explicit Cli(Args args) : a_(std::move(args)) {
    json_ = a_.Has("json");
    std::string token = a_.Get("token");
    std::string token_file = a_.Get("token-file", Env("BCIIN_TOKEN_FILE"));
    if (token.empty() && !token_file.empty()) token = ReadFirstLine(token_file);
    http_ = std::make_unique<cli::HttpClient>(a_.Get("node", Env("BCIIN_NODE", "http://127.0.0.1:8550")), token);
    std::string home = Env("HOME", ".");
    keystore_ = std::make_unique<cli::Keystore>(a_.Get("keystore", Env("BCIIN_KEYSTORE", home + "/.bciin/keystore")));
  }

  int Run() {
    if (a_.positional.empty() || a_.Has("help") || a_.positional[0] == "help") {
      std::cout << kUsage;
      return a_.positional.empty() && !a_.Has("help") ? kExitUsage : kExitOk;
    }
    const std::string cmd = a_.positional[0];
    Status s;
    if (cmd == "status" || cmd == "head") s = Show("/v1/status");
    else if (cmd == "block") s = Block();
    else if (cmd == "tx") s = Need(2) ? Show("/v1/transactions/" + a_.positional[1]) : Usage();
    else if (cmd == "balance") s = Balance();
    else if (cmd == "send") s = Send();
    else if (cmd == "verify") s = Verify();
    else if (cmd == "mempool") s = Show("/v1/mempool");
    else if (cmd == "peers") s = Show("/v1/peers");
    else if (cmd == "plugins") s = Show("/v1/plugins");
    else if (cmd == "peer-add") s = Need(2) ? PostShow("/v1/peers", json{{"address", a_.positional[1]}}) : Usage();
    else if (cmd == "keys") s = Keys();
    else if (cmd == "devnet") s = Devnet();
    else {
      std::cerr << "unknown command '" << cmd << "'\n" << kUsage;
      return kExitUsage;
    }
    if (s.ok()) return kExitOk;
    if (json_) std::cout << json{{"error", {{"code", bciin::Status::CodeName(s.code())}, {"message", s.message()}}}}.dump() << "\n";
    std::cerr << "error: " << s.message() << "\n";
    if (usage_) return kExitUsage;
    return s.is(BCIIN_ERR_IO) ? kExitNode : kExitFailed;
  }

 private:
  bool Need(size_t n) const { return a_.positional.size() >= n; }
  Status Usage() {
    usage_ = true;
    return Status::InvalidArgument("missing arguments; see bciin-cli help");
  }

  void Print(const json& j, const std::string& text) const {
    if (json_) std::cout << j.dump() << "\n";
    else std::cout << text;
  }

  Status Show(const std::string& target) {
    json j;
    if (Status s = http_->Get(target, &j); !s.ok()) return s;
    Print(j, j.dump(2) + "\n");
    return Status();
  }
  Status PostShow(const std::string& target, const json& body) {
    json j;
    if (Status s = http_->Post(target, body, &j); !s.ok()) return s;
    Print(j, j.dump(2) + "\n");
    return Status();
  }

  Status Block() {
    std::string which = Need(2) ? a_.positional[1] : "head";
    std::string target = which == "head" ? "/v1/blocks/head"
                         : which.rfind("bh_", 0) == 0 ? "/v1/blocks/" + which
                                                      : "/v1/blocks/height/" + which;
    if (a_.Has("full")) target += "?full=true";
    return Show(target);
  }

  // An address, or the address of a key in the keystore.
  Status ResolveAddress(const std::string& text, chain::PublicKey* out) {
    if (text.rfind("ak_", 0) == 0) return chain::DecodeId(chain::kAccountPrefix, text, out);
    std::string address;
    if (Status s = keystore_->Address(text, &address); !s.ok()) return s;
    return chain::DecodeId(chain::kAccountPrefix, address, out);
  }

  Status Balance() {
    if (!Need(2)) return Usage();
    chain::PublicKey key{};
    if (Status s = ResolveAddress(a_.positional[1], &key); !s.ok()) return s;
    json j;
    Status s = http_->Get("/v1/accounts/" + chain::AccountId(key), &j);
    if (s.is(BCIIN_ERR_NOT_FOUND)) {
      j = json{{"address", chain::AccountId(key)}, {"balance", "0"}, {"nonce", 0}, {"exists", false}};
      s = Status();
    }
    if (!s.ok()) return s;
    Print(j, fmt::format("{}  balance {}  nonce {}\n", j.value("address", ""), j.value("balance", "0"),
                         j.value("nonce", 0)));
    return Status();
  }

  Status Password(std::string* out) {
    if (std::string f = a_.Get("password-file"); !f.empty()) {
      *out = ReadFirstLine(f);
      return Status();
    }
    if (const char* p = std::getenv("BCIIN_PASSWORD")) {
      *out = p;
      return Status();
    }
    if (!isatty(STDIN_FILENO)) return Status::InvalidArgument("no password: use --password-file, BCIIN_PASSWORD or a terminal");
    std::cerr << "keystore password: " << std::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::getline(std::cin, *out);
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
    return Status();
  }

  Status Send() {
    std::string from = a_.Get("from"), to = a_.Get("to"), amount_text = a_.Get("amount");
    if (from.empty() || to.empty() || amount_text.empty()) return Usage();
    auto amount = chain::Amount::Parse(amount_text);
    if (!amount) return Status::InvalidArgument("--amount must be a decimal number of the smallest unit");
    chain::PublicKey recipient{};
    if (Status s = ResolveAddress(to, &recipient); !s.ok()) return s;
    std::string password;
    if (Status s = Password(&password); !s.ok()) return s;
    chain::KeyPair key = chain::KeyPair::Generate();
    if (Status s = keystore_->Load(from, password, &key); !s.ok()) return s;

    json status, account;
    if (Status s = http_->Get("/v1/status", &status); !s.ok()) return s;
    uint64_t nonce = 0;
    Status s = http_->Get("/v1/accounts/" + chain::AccountId(key.public_key()), &account);
    if (s.ok()) nonce = account.value("nonce", uint64_t{0});
    else if (!s.is(BCIIN_ERR_NOT_FOUND)) return s;

    chain::Tx tx;
    tx.type = chain::kSpendTxType;
    tx.version = 1;
    tx.sender = key.public_key();
    tx.nonce = nonce + 1;
    tx.gas_price = std::stoull(a_.Get("gas-price", "1"));
    std::string data = a_.Get("data");
    tx.payload = chain::Encode(chain::SpendPayload{recipient, *amount, chain::Bytes(data.begin(), data.end())});
    // Intrinsic gas of a spend: base plus per byte of the encoded unsigned transaction.
    tx.gas = 0;
    tx.gas = 15000 + 20 * chain::Encode(tx).size();
    chain::SignedTx stx = chain::SignTx(status.value("network_id", ""), tx, key);
    json submitted;
    if (Status p = http_->Post("/v1/transactions", json{{"tx", chain::ToHex(chain::Encode(stx))}}, &submitted); !p.ok())
      return p;
    std::string hash = submitted.value("hash", "");
    if (!json_) std::cout << "submitted " << hash << "\n";
    if (a_.Has("no-wait")) {
      if (json_) std::cout << submitted.dump() << "\n";
      return Status();
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoul(a_.Get("timeout", "60")));
    const char spinner[] = "|/-\\";
    for (int i = 0;; ++i) {
      json st;
      cli::HttpResult r;
      if (Status g = http_->Request("GET", "/v1/transactions/" + hash, "", &r); !g.ok()) return g;
      if (r.body.is_object() && r.body.value("state", "") == "included") {
        if (!json_) std::cerr << "\r";
        Print(r.body, fmt::format("included in block #{} {} ({}, gas {})\n", r.body.value("height", 0),
                                  r.body.value("block", ""), r.body.value("success", false) ? "ok" : "failed",
                                  r.body.value("gas_used", 0)));
        return Status();
      }
      if (std::chrono::steady_clock::now() > deadline)
        return Status::Timeout("transaction " + hash + " not included yet (state: " +
                               (r.body.is_object() ? r.body.value("state", "unknown") : "unknown") + ")");
      if (!json_)
        std::cerr << "\rwaiting for inclusion " << spinner[i % 4] << " ("
                  << (r.body.is_object() ? r.body.value("state", "unknown") : "unknown") << ")" << std::flush;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }

  Status Verify() {
    if (!Need(2)) return Usage();
    chain::PublicKey key{};
    if (Status s = ResolveAddress(a_.positional[1], &key); !s.ok()) return s;
    std::string target = "/v1/state/accounts/" + chain::ToHex(key) + "/proof";
    if (a_.Has("block")) target += "?block=" + a_.Get("block");
    json j;
    if (Status s = http_->Get(target, &j); !s.ok()) return s;
    auto header_bytes = chain::FromHex(j.value("header", ""));
    auto proof_bytes = chain::FromHex(j.value("proof", ""));
    if (!header_bytes || !proof_bytes) return Status::Corruption("the node sent a proof that is not hex");
    chain::Header header;
    if (Status s = chain::DecodeCanonical(*header_bytes, &header, "header"); !s.ok()) return s;
    chain::StateProof proof;
    if (Status s = chain::DecodeCanonical(*proof_bytes, &proof, "proof"); !s.ok()) return s;
    if (proof.subtree != chain::kAccountsSubtree || !std::equal(proof.key.begin(), proof.key.end(), key.begin()) ||
        proof.key.size() != key.size())
      return Status::Rejected("the proof is for another key than asked");
    std::optional<chain::Bytes> value;
    if (Status s = chain::VerifyStateProof(header, proof, &value); !s.ok()) return s.WithContext("proof rejected");
    json out{{"verified", true},
             {"address", chain::AccountId(key)},
             {"block", chain::BlockId(header.BlockHash())},
             {"height", header.height},
             {"state_root", chain::StateId(header.state_root)}};
    if (value) {
      chain::Account a;
      if (Status s = chain::DecodeCanonical(*value, &a, "account"); !s.ok()) return s;
      out["exists"] = true;
      out["balance"] = a.balance.ToString();
      out["nonce"] = a.nonce;
    } else {
      out["exists"] = false;
    }
    Print(out, fmt::format("verified against block #{} {}: {}\n", header.height, chain::BlockId(header.BlockHash()),
                           value ? "balance " + out["balance"].get<std::string>() + ", nonce " +
                                       std::to_string(out["nonce"].get<uint64_t>())
                                 : std::string("the account does not exist")));
    return Status();
  }

  Status Keys() {
    if (!Need(2)) return Usage();
    const std::string sub = a_.positional[1];
    if (sub == "list") {
      std::vector<cli::KeyInfo> keys;
      if (Status s = keystore_->List(&keys); !s.ok()) return s;
      json j = json::array();
      std::string text;
      for (const auto& k : keys) {
        j.push_back({{"name", k.name}, {"address", k.address}});
        text += fmt::format("{:<20} {}\n", k.name, k.address);
      }
      Print(j, text);
      return Status();
    }
    if (!Need(3)) return Usage();
    const std::string name = a_.positional[2];
    if (sub == "new" || sub == "import") {
      chain::KeyPair key = chain::KeyPair::Generate();
      if (sub == "import") {
        if (!Need(4)) return Usage();
        if (Status s = chain::KeyPair::Load(a_.positional[3], &key); !s.ok()) return s;
      }
      std::string password;
      if (Status s = Password(&password); !s.ok()) return s;
      if (Status s = keystore_->Add(name, key, password); !s.ok()) return s;
      std::string address = chain::AccountId(key.public_key());
      Print(json{{"name", name}, {"address", address}}, fmt::format("{} {}\n", name, address));
      return Status();
    }
    if (sub == "export") {
      std::string password;
      if (Status s = Password(&password); !s.ok()) return s;
      chain::KeyPair key = chain::KeyPair::Generate();
      if (Status s = keystore_->Load(name, password, &key); !s.ok()) return s;
      if (std::string out = a_.Get("out"); !out.empty()) {
        if (Status s = key.Save(out); !s.ok()) return s;
        std::cerr << "wrote the secret seed of '" << name << "' to " << out << "\n";
        return Status();
      }
      std::cerr << "the secret seed of '" << name << "' follows: anyone who has it controls the account\n";
      std::cout << chain::ToHex(key.seed()) << "\n";
      return Status();
    }
    return Usage();
  }

  Status Devnet() {
    if (!Need(2) || a_.positional[1] != "init" || !a_.Has("dir")) return Usage();
    namespace fs = std::filesystem;
    fs::path dir = fs::absolute(a_.Get("dir"));
    size_t nodes = std::stoul(a_.Get("nodes", "1"));
    unsigned p2p_port = std::stoul(a_.Get("p2p-port", "7000")), api_port = std::stoul(a_.Get("api-port", "8550"));
    std::error_code ec;
    fs::create_directories(dir, ec);
    bciin::chain_service::DevnetOptions o;
    o.accounts = std::stoul(a_.Get("accounts", "4"));
    if (Status s = bciin::chain_service::WriteDevnetGenesis(dir / "genesis.json", dir / "keys", o); !s.ok()) return s;
    chain::KeyPair authority = chain::KeyPair::Generate();
    if (Status s = authority.Save((dir / "authority.key").string()); !s.ok()) return s;
    json nodes_json = json::array();
    for (size_t i = 0; i < nodes; ++i) {
      fs::path nd = dir / fmt::format("node{}", i);
      fs::create_directories(nd, ec);
      std::string ini = fmt::format(
          "# node{} of the devnet in {} (written by bciin-cli devnet init)\n"
          "plugin = chain\nplugin = storage-leveldb\nplugin = consensus-dev\nplugin = p2p\nplugin = api-http\n"
          "data-dir = {}\n\n[chain]\ngenesis = {}\nproduce = {}\n\n[consensus-dev]\n{}\ninterval-ms = {}\n\n"
          "[p2p]\nport = {}\n{}\n[api-http]\nport = {}\n",
          i, dir.string(), nd.string(), (dir / "genesis.json").string(), i == 0 ? "true" : "false",
          i == 0 ? "key-file = " + (dir / "authority.key").string()
                 : "authority = " + chain::AccountId(authority.public_key()),
          a_.Get("interval-ms", "1000"), p2p_port + i, i == 0 ? "" : fmt::format("peer = 127.0.0.1:{}\n", p2p_port),
          api_port + i);
      std::ofstream(nd / "node.ini") << ini;
      nodes_json.push_back({{"config", (nd / "node.ini").string()}, {"p2p", p2p_port + i}, {"api", api_port + i}});
    }
    json out{{"dir", dir.string()}, {"genesis", (dir / "genesis.json").string()}, {"keys", (dir / "keys").string()},
             {"nodes", nodes_json}};
    std::string text = fmt::format("devnet in {}: genesis.json, funded keys in keys/, authority.key\n", dir.string());
    for (size_t i = 0; i < nodes; ++i)
      text += fmt::format("  bciin-node --config {}/node{}/node.ini   (API http://127.0.0.1:{})\n", dir.string(), i,
                          api_port + i);
    Print(out, text);
    return Status();
  }

  Args a_;
  bool json_ = false;
  bool usage_ = false;
  std::unique_ptr<cli::HttpClient> http_;
  std::unique_ptr<cli::Keystore> keystore_;
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  try {
    return Cli(std::move(args)).Run();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailed;
  }
}
