#include "context.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <termios.h>
#include <thread>
#include <unistd.h>

namespace bciin::cli {

using nlohmann::json;

namespace {

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

bool ParseArgs(int argc, char** argv, const std::set<std::string>& flags, Args* out, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value = "true";
      if (size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      } else if (!flags.count(name)) {
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

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

Context::Context(Args args) : a_(std::move(args)) {
  json_ = a_.Has("json");
  std::string token = a_.Get("token");
  std::string token_file = a_.Get("token-file", Env("BCIIN_TOKEN_FILE"));
  if (token.empty() && !token_file.empty()) token = ReadFirstLine(token_file);
  http_ = std::make_unique<HttpClient>(a_.Get("node", Env("BCIIN_NODE", "http://127.0.0.1:8550")), token);
  std::string home = Env("HOME", ".");
  keystore_ = std::make_unique<Keystore>(a_.Get("keystore", Env("BCIIN_KEYSTORE", home + "/.bciin/keystore")));
}

Status Context::Usage() {
  usage_ = true;
  return Status::InvalidArgument("missing arguments; see bciin-cli help");
}

void Context::Print(const json& j, const std::string& text) const {
  if (json_) std::cout << j.dump() << "\n";
  else std::cout << text;
}

Status Context::Show(const std::string& target) const {
  json j;
  if (Status s = http_->Get(target, &j); !s.ok()) return s;
  Print(j, j.dump(2) + "\n");
  return Status();
}

Status Context::PostShow(const std::string& target, const json& body) const {
  json j;
  if (Status s = http_->Post(target, body, &j); !s.ok()) return s;
  Print(j, j.dump(2) + "\n");
  return Status();
}

Status Context::Password(std::string* out) const {
  if (std::string f = a_.Get("password-file"); !f.empty()) {
    if (!std::ifstream(f)) return Status::NotFound("--password-file " + f + ": cannot be read");
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

Status Context::ResolveAddress(const std::string& text, chain::PublicKey* out) const {
  if (text.rfind("ak_", 0) == 0) return chain::DecodeId(chain::kAccountPrefix, text, out);
  std::string address;
  if (Status s = keystore_->Address(text, &address); !s.ok()) return s;
  return chain::DecodeId(chain::kAccountPrefix, address, out);
}

Status Context::LoadKey(const std::string& name, chain::KeyPair* out) const {
  std::string password;
  if (Status s = Password(&password); !s.ok()) return s;
  return keystore_->Load(name, password, out);
}

Status Context::NetworkAndNextNonce(const chain::PublicKey& account, std::string* network, uint64_t* nonce) const {
  json status, acc;
  if (Status s = http_->Get("/v1/status", &status); !s.ok()) return s;
  *network = status.value("network_id", "");
  *nonce = 1;
  Status s = http_->Get("/v1/accounts/" + chain::AccountId(account), &acc);
  if (s.ok()) *nonce = acc.value("nonce", uint64_t{0}) + 1;
  else if (!s.is(BCIIN_ERR_NOT_FOUND)) return s;
  return Status();
}

Status Context::SignSubmitAndWait(chain::Tx tx, const chain::KeyPair& key, const std::string& network,
                                  json* receipt) const {
  chain::SignedTx stx = chain::SignTx(network, tx, key);
  json submitted;
  if (Status p = http_->Post("/v1/transactions", json{{"tx", chain::ToHex(chain::Encode(stx))}}, &submitted); !p.ok())
    return p;
  std::string hash = submitted.value("hash", "");
  if (!json_) std::cout << "submitted " << hash << "\n";
  if (a_.Has("no-wait")) {
    if (json_) std::cout << submitted.dump() << "\n";
    if (receipt) *receipt = submitted;
    return Status();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoul(a_.Get("timeout", "60")));
  const char spinner[] = "|/-\\";
  for (int i = 0;; ++i) {
    HttpResult r;
    if (Status g = http_->Request("GET", "/v1/transactions/" + hash, "", &r); !g.ok()) return g;
    const std::string state = r.body.is_object() ? r.body.value("state", "unknown") : "unknown";
    if (state == "included") {
      if (!json_) std::cerr << "\r";
      Print(r.body, fmt::format("included in block #{} {} ({}, gas {})\n", r.body.value("height", 0),
                                r.body.value("block", ""), r.body.value("success", false) ? "ok" : "failed",
                                r.body.value("gas_used", 0)));
      if (receipt) *receipt = r.body;
      return Status();
    }
    if (std::chrono::steady_clock::now() > deadline)
      return Status::Timeout("transaction " + hash + " not included yet (state: " + state + ")");
    if (!json_) std::cerr << "\rwaiting for inclusion " << spinner[i % 4] << " (" << state << ")" << std::flush;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace bciin::cli
