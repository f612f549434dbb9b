// bciin-cli devnet init: a genesis, funded keys and one node.ini per node for a loopback devnet.
#include "commands.h"

#include "devnet.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace bciin::cli {
namespace {

using nlohmann::json;

Status Devnet(Context& c) {
  const Args& a = c.args();
  if (!c.Need(2) || c.Arg(1) != "init" || !a.Has("dir")) return c.Usage();
  namespace fs = std::filesystem;
  fs::path dir = fs::absolute(a.Get("dir"));
  size_t nodes = std::stoul(a.Get("nodes", "1"));
  unsigned p2p_port = std::stoul(a.Get("p2p-port", "7000")), api_port = std::stoul(a.Get("api-port", "8550"));
  std::error_code ec;
  fs::create_directories(dir, ec);
  bciin::chain_service::DevnetOptions o;
  o.accounts = std::stoul(a.Get("accounts", "4"));
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
        a.Get("interval-ms", "1000"), p2p_port + i, i == 0 ? "" : fmt::format("peer = 127.0.0.1:{}\n", p2p_port),
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
  c.Print(out, text);
  return Status();
}

}  // namespace

void RegisterDevnetCommands(CommandTable* t) {
  t->push_back({"devnet",
                "devnet init --dir DIR [--nodes N] [--p2p-port P] [--api-port P] [--interval-ms MS] [--accounts N]\n"
                "                                   a genesis, keys and one node.ini per node for a loopback devnet",
                Devnet});
}

}  // namespace bciin::cli
