#include "modbus_slave.h"

#include "rtu_frame.h"

namespace bciin::modbus {

void ModbusSlave::Define(Table table, uint16_t reg, Source source) {
  (table == Table::kHolding ? holding_ : input_)[reg] = std::move(source);
}

void ModbusSlave::Override(Table table, uint16_t reg, uint16_t value) {
  (table == Table::kHolding ? holding_override_ : input_override_)[reg] = value;
}

void ModbusSlave::ClearOverrides() {
  holding_override_.clear();
  input_override_.clear();
}

std::optional<uint16_t> ModbusSlave::Read(Table table, uint16_t reg, double t) const {
  const auto& overrides = table == Table::kHolding ? holding_override_ : input_override_;
  const auto& sources = table == Table::kHolding ? holding_ : input_;
  auto s = sources.find(reg);
  if (s == sources.end()) return std::nullopt;
  auto o = overrides.find(reg);
  if (o != overrides.end()) return o->second;
  return s->second(t);
}

std::vector<uint8_t> ModbusSlave::Exception(uint8_t function, uint8_t code) const {
  std::vector<uint8_t> out = {address_, static_cast<uint8_t>(function | 0x80), code};
  AppendCrc(&out);
  return out;
}

std::optional<std::vector<uint8_t>> ModbusSlave::Handle(std::span<const uint8_t> request, double t) {
  if (request.size() < 4 || request[0] != address_) return std::nullopt;  // others, broadcast 0
  const uint8_t fc = request[1];
  auto u16 = [&](size_t at) { return static_cast<uint16_t>((request[at] << 8) | request[at + 1]); };
  if (forced_exception_) return Exception(fc, *forced_exception_);

  switch (fc) {
    case 0x03:
    case 0x04: {
      if (request.size() != 8) return Exception(fc, kIllegalDataValue);
      uint16_t start = u16(2), qty = u16(4);
      if (qty < 1 || qty > 125) return Exception(fc, kIllegalDataValue);
      Table table = fc == 0x03 ? Table::kHolding : Table::kInput;
      std::vector<uint8_t> out = {address_, fc, static_cast<uint8_t>(qty * 2)};
      for (uint32_t r = start; r < static_cast<uint32_t>(start) + qty; ++r) {
        if (r > 0xFFFF) return Exception(fc, kIllegalDataAddress);
        auto v = Read(table, static_cast<uint16_t>(r), t);
        if (!v) return Exception(fc, kIllegalDataAddress);
        out.push_back(static_cast<uint8_t>(*v >> 8));
        out.push_back(static_cast<uint8_t>(*v & 0xFF));
      }
      AppendCrc(&out);
      return out;
    }
    case 0x06: {
      if (request.size() != 8) return Exception(fc, kIllegalDataValue);
      uint16_t reg = u16(2), value = u16(4);
      if (!holding_.count(reg)) return Exception(fc, kIllegalDataAddress);
      holding_[reg] = [value](double) { return value; };
      holding_override_.erase(reg);
      std::vector<uint8_t> out(request.begin(), request.end());  // echo
      return out;
    }
    case 0x10: {
      if (request.size() < 9) return Exception(fc, kIllegalDataValue);
      uint16_t start = u16(2), qty = u16(4);
      uint8_t bytes = request[6];
      if (qty < 1 || qty > 123 || bytes != qty * 2 || request.size() != 9u + bytes)
        return Exception(fc, kIllegalDataValue);
      for (uint32_t i = 0; i < qty; ++i)
        if (start + i > 0xFFFF || !holding_.count(static_cast<uint16_t>(start + i)))
          return Exception(fc, kIllegalDataAddress);
      for (uint16_t i = 0; i < qty; ++i) {
        uint16_t value = u16(7 + 2 * i);
        holding_[static_cast<uint16_t>(start + i)] = [value](double) { return value; };
        holding_override_.erase(static_cast<uint16_t>(start + i));
      }
      std::vector<uint8_t> out(request.begin(), request.begin() + 6);
      AppendCrc(&out);
      return out;
    }
    default:
      return Exception(fc, kIllegalFunction);
  }
}

}  // namespace bciin::modbus
