// The command table of bciin-cli. Each group of commands lives in its own file and adds itself
// with a Register*Commands function that main.cpp calls; `bciin-cli help` prints the usage lines
// in registration order.
#pragma once

#include "context.h"

#include <string>
#include <vector>

namespace bciin::cli {

struct Command {
  std::string name;   // the first word on the command line
  std::string usage;  // help text: the synopsis line(s), indented continuation lines allowed
  Status (*run)(Context& ctx);
  std::vector<std::string> flags = {};  // its options that take no value (--name alone)
};

using CommandTable = std::vector<Command>;

void RegisterChainCommands(CommandTable* table);   // status, block, tx, balance, send, verify, ...
void RegisterKeyCommands(CommandTable* table);     // keys
void RegisterDevnetCommands(CommandTable* table);  // devnet init
void RegisterContractCommands(CommandTable* table);  // contract deploy, call, receipt, show, storage
void RegisterDeviceCommands(CommandTable* table);  // device list, status, submit, watch, ...

}  // namespace bciin::cli
