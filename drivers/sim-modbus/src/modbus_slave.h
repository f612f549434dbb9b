// A Modbus slave's register tables and request handling (function codes 03, 04, 06, 0x10),
// transport-free: a request ADU in, a response ADU (or silence) out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace bciin::modbus {

enum ExceptionCode : uint8_t {
  kIllegalFunction = 0x01,
  kIllegalDataAddress = 0x02,
  kIllegalDataValue = 0x03,
  kServerFailure = 0x04,
};

enum class Table { kHolding, kInput };

class ModbusSlave {
 public:
  // A register's value at a given time (seconds since the simulator started, scaled).
  using Source = std::function<uint16_t(double t)>;

  explicit ModbusSlave(uint8_t address) : address_(address) {}

  uint8_t address() const { return address_; }

  // Defines a register fed by `source`. Writes (FC06/0x10) to a holding register replace its
  // source with the constant written.
  void Define(Table table, uint16_t reg, Source source);
  // Overrides a register with a constant (control channel "set"); clears with ClearOverrides.
  void Override(Table table, uint16_t reg, uint16_t value);
  void ClearOverrides();

  // When set, every valid request addressed to this slave gets this exception code.
  void ForceException(std::optional<uint8_t> code) { forced_exception_ = code; }

  // Handles one complete request ADU with a good CRC at time `t`. Returns the response ADU,
  // or nullopt when the slave must stay silent (another address, or a broadcast).
  std::optional<std::vector<uint8_t>> Handle(std::span<const uint8_t> request, double t);

  // The current value of a register (nullopt if undefined).
  std::optional<uint16_t> Read(Table table, uint16_t reg, double t) const;

 private:
  std::vector<uint8_t> Exception(uint8_t function, uint8_t code) const;

  uint8_t address_;
  std::map<uint16_t, Source> holding_;
  std::map<uint16_t, Source> input_;
  std::map<uint16_t, uint16_t> holding_override_;
  std::map<uint16_t, uint16_t> input_override_;
  std::optional<uint8_t> forced_exception_;
};

}  // namespace bciin::modbus
