// The Modbus simulator's control channel: a small text file that tests rewrite to change the
// slave's behaviour while it runs. The whole file is the desired state (an absent line means the
// default), one directive per line, '#' starts a comment:
//
//   silent                    answer nothing (a disconnected or dead sensor)
//   delay_ms <n>              wait n ms before each reply (a slow slave)
//   exception <code>          answer every request with this exception code
//   corrupt                   send replies with a broken CRC
//   set input|holding <reg> <value> [<slave>]   pin a register to a raw value
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::modbus {

struct SimControl {
  bool silent = false;
  int delay_ms = 0;
  std::optional<uint8_t> exception;
  bool corrupt = false;
  struct Pin {
    bool holding = false;
    uint16_t reg = 0;
    uint16_t value = 0;
    int slave = -1;  // -1: every slave
  };
  std::vector<Pin> pins;
};

// Parses the control text. InvalidArgument names the line at fault.
Status ParseSimControl(std::string_view text, SimControl* out);

}  // namespace bciin::modbus
