// The register map of a Modbus sensor device, from configuration (devices.md section 4.3:
// third-party maps live in config, not in code).
//
// One channel per `channel.<name>` option of the [device.NAME] section:
//   channel.temperature = slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel
//   channel.vibration   = slave=1 fc=4 reg=2 type=u16 scale=0.01 unit=mm/s
//   channel.power       = slave=2 fc=3 reg=0x10 type=f32 order=cdab unit=W
// Keys: slave (1..247), fc (3 holding or 4 input), reg (0..65535, decimal or 0x hex),
// type (u16 i16 u32 i32 f32; default u16), order of 16-bit words for 32-bit types (abcd =
// big-endian, the default; cdab, badc, dcba), scale (default 1), offset (default 0), unit
// (UCUM, default "1"). The value is raw * scale + offset.
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::modbus {

enum class ValueType { kU16, kI16, kU32, kI32, kF32 };
enum class WordOrder { kABCD, kCDAB, kBADC, kDCBA };

struct Channel {
  std::string name;
  int slave = 1;
  int function = 4;
  uint16_t reg = 0;
  ValueType type = ValueType::kU16;
  WordOrder order = WordOrder::kABCD;
  double scale = 1;
  double offset = 0;
  std::string unit = "1";

  int register_count() const { return (type == ValueType::kU16 || type == ValueType::kI16) ? 1 : 2; }
  // Decodes the channel's registers (register_count() of them) into its scaled value.
  double Decode(std::span<const uint16_t> regs) const;
};

Status ParseChannel(std::string_view name, std::string_view spec, Channel* out);

// Every `channel.<name>` option; InvalidArgument when there is none or one is malformed.
Status ChannelsFromOptions(const std::map<std::string, std::string>& options, std::vector<Channel>* out);

// Consecutive reads: channels of one slave and function code merged when the registers between
// them are few (<= max_gap) and the span stays within one request (<= 125 registers).
struct ReadGroup {
  int slave = 1;
  int function = 4;
  uint16_t start = 0;
  uint16_t count = 0;
  std::vector<size_t> channels;  // indices into the channel list
};
std::vector<ReadGroup> GroupReads(const std::vector<Channel>& channels, int max_gap = 8);

}  // namespace bciin::modbus
