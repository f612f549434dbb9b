// bciin-cli: drive a node through its JSON API (api-http), keep keys in an encrypted keystore,
// sign transactions locally, verify state proofs as a light client, and set up devnets.
// `bciin-cli help` lists every command; docs/cli.md has examples.
#include "commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace {

using bciin::Status;
namespace cli = bciin::cli;

constexpr int kExitOk = 0, kExitUsage = 2, kExitFailed = 1, kExitNode = 3;

const char kGlobalUsage[] = R"(bciin-cli [global options] <command> [arguments]

global options:
  --node URL            the node's API (default $BCIIN_NODE or http://127.0.0.1:8550)
  --token-file FILE     API token for write calls (default $BCIIN_TOKEN_FILE; --token TEXT also works)
  --keystore DIR        encrypted keys (default $BCIIN_KEYSTORE or ~/.bciin/keystore)
  --password-file FILE  keystore password from a file (else $BCIIN_PASSWORD, else a prompt)
  --json                machine-readable output

exit status: 0 done, 1 the call failed, 2 bad usage, 3 the node cannot be reached

commands:
)";

cli::CommandTable AllCommands() {
  cli::CommandTable t;
  cli::RegisterChainCommands(&t);
  cli::RegisterKeyCommands(&t);
  cli::RegisterDevnetCommands(&t);
  cli::RegisterContractCommands(&t);
  cli::RegisterDeviceCommands(&t);
  return t;
}

std::string Usage(const cli::CommandTable& t) {
  std::string text = kGlobalUsage;
  for (const auto& c : t) {
    if (c.usage.empty()) continue;
    text += "  ";
    for (char ch : c.usage) text += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
    text += "\n";
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const cli::CommandTable commands = AllCommands();
  std::set<std::string> flags = {"json", "help"};
  for (const auto& c : commands) flags.insert(c.flags.begin(), c.flags.end());
  cli::Args args;
  std::string error;
  if (!cli::ParseArgs(argc, argv, flags, &args, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  if (args.positional.empty() || args.Has("help") || args.positional[0] == "help") {
    std::cout << Usage(commands);
    return args.positional.empty() && !args.Has("help") ? kExitUsage : kExitOk;
  }
  const std::string name = args.positional[0];
  auto it = std::find_if(commands.begin(), commands.end(), [&](const cli::Command& c) { return c.name == name; });
  if (it == commands.end()) {
    std::cerr << "unknown command '" << name << "'\n" << Usage(commands);
    return kExitUsage;
  }
  try {
    cli::Context ctx(std::move(args));
    Status s = it->run(ctx);
    if (s.ok()) return kExitOk;
    if (ctx.json_output())
      std::cout << nlohmann::json{{"error", {{"code", Status::CodeName(s.code())}, {"message", s.message()}}}}.dump()
                << "\n";
    std::cerr << "error: " << s.message() << "\n";
    if (ctx.usage_error()) return kExitUsage;
    return ctx.http().unreachable() ? kExitNode : kExitFailed;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailed;
  }
}
