// Scripted register values for the Modbus simulator: a register follows a curve of time
// (seconds since start, already multiplied by the time scale), in raw register units.
//
//   const:<v>                               a constant
//   drift:<start>:<per_second>[:<max>]      a temperature drifting up (or down), capped at max
//   spikes:<base>:<peak>:<period_s>[:<width_s>]  base, with a spike to peak at the start of
//                                           every period, lasting width_s (default 10 % of it)
//   sine:<mid>:<amplitude>:<period_s>
//
// Values are rounded and stored as 16-bit two's complement, so negative values read back as
// int16.
#pragma once

#include "modbus_slave.h"

#include <bciin/sdk/status.hpp>

#include <string_view>

namespace bciin::modbus {

Status ParseCurve(std::string_view spec, ModbusSlave::Source* out);

}  // namespace bciin::modbus
