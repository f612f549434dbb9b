// bciin-cli keys: new, list, import, export over the encrypted keystore. A secret is printed only
// by `keys export`, and then with a warning.
#include "commands.h"

#include <bciin/chain/address.h>

#include <fmt/format.h>

#include <iostream>

namespace bciin::cli {
namespace {

using nlohmann::json;

Status Keys(Context& c) {
  if (!c.Need(2)) return c.Usage();
  const std::string sub = c.Arg(1);
  if (sub == "list") {
    std::vector<KeyInfo> keys;
    if (Status s = c.keystore().List(&keys); !s.ok()) return s;
    json j = json::array();
    std::string text;
    for (const auto& k : keys) {
      j.push_back({{"name", k.name}, {"address", k.address}});
      text += fmt::format("{:<20} {}\n", k.name, k.address);
    }
    c.Print(j, text);
    return Status();
  }
  if (!c.Need(3)) return c.Usage();
  const std::string name = c.Arg(2);
  if (sub == "address") {  // the address of a plain key file (a node's or a devnet's), no keystore
    chain::KeyPair key = chain::KeyPair::Generate();
    if (Status s = chain::KeyPair::Load(name, &key); !s.ok()) return s;
    std::string address = chain::AccountId(key.public_key());
    c.Print(json{{"file", name}, {"address", address}}, address + "\n");
    return Status();
  }
  if (sub == "new" || sub == "import") {
    chain::KeyPair key = chain::KeyPair::Generate();
    if (sub == "import") {
      if (!c.Need(4)) return c.Usage();
      if (Status s = chain::KeyPair::Load(c.Arg(3), &key); !s.ok()) return s;
    }
    std::string password;
    if (Status s = c.Password(&password); !s.ok()) return s;
    if (Status s = c.keystore().Add(name, key, password); !s.ok()) return s;
    std::string address = chain::AccountId(key.public_key());
    c.Print(json{{"name", name}, {"address", address}}, fmt::format("{} {}\n", name, address));
    return Status();
  }
  if (sub == "export") {
    chain::KeyPair key = chain::KeyPair::Generate();
    if (Status s = c.LoadKey(name, &key); !s.ok()) return s;
    if (std::string out = c.args().Get("out"); !out.empty()) {
      if (Status s = key.Save(out); !s.ok()) return s;
      std::cerr << "wrote the secret seed of '" << name << "' to " << out << "\n";
      return Status();
    }
    std::cerr << "the secret seed of '" << name << "' follows: anyone who has it controls the account\n";
    std::cout << chain::ToHex(key.seed()) << "\n";
    return Status();
  }
  return c.Usage();
}

}  // namespace

void RegisterKeyCommands(CommandTable* t) {
  t->push_back({"keys", "keys new NAME | keys list | keys import NAME SEEDFILE | keys export NAME [--out FILE]\n"
                "keys address KEYFILE               the address of a key file (a node's authority key, say)",
                Keys});
}

}  // namespace bciin::cli
