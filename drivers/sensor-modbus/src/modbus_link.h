// ModbusLink: a Modbus RTU master connection (one serial line, several slaves), as an interface
// so that the poller is testable without a port. The real one is libmodbus.
#pragma once

#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace bciin::modbus {

struct LinkSettings {
  std::string port;
  int baud = 19200;
  char parity = 'N';  // 'N', 'E' or 'O'
  int data_bits = 8;
  int stop_bits = 1;
  std::chrono::milliseconds response_timeout{500};
};

class ModbusLink {
 public:
  virtual ~ModbusLink() = default;
  virtual Status Connect() = 0;
  virtual void Close() = 0;
  virtual bool connected() const = 0;
  // Reads `count` registers of `slave` with function 3 (holding) or 4 (input) into `out`.
  // Errors: Rejected for a Modbus exception ("exception 02: illegal data address"), Timeout for
  // no answer, Corruption for a bad CRC or a malformed answer, IoError for the port.
  virtual Status Read(int slave, int function, uint16_t start, uint16_t count, uint16_t* out) = 0;
};

// libmodbus (RTU). Never sets RS-485 mode (meaningless on a pty).
std::unique_ptr<ModbusLink> NewLibModbusLink(const LinkSettings& settings);

}  // namespace bciin::modbus
