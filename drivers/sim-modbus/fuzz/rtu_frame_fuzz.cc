// Fuzz target: the Modbus RTU request framer and the slave's request handling must never crash
// and never answer a frame whose CRC is wrong.
#include "modbus_slave.h"
#include "rtu_frame.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace bciin::modbus;
  RequestFramer framer;
  ModbusSlave slave(1);
  for (uint16_t r = 0; r < 4; ++r) {
    slave.Define(Table::kInput, r, [r](double) { return static_cast<uint16_t>(r * 10); });
    slave.Define(Table::kHolding, r, [](double) { return uint16_t{0}; });
  }
  auto t = Clock::now();
  // Feed in chunks whose sizes come from the data itself.
  size_t at = 0;
  std::vector<uint8_t> frame;
  while (at < size) {
    size_t chunk = 1 + data[at] % 16;
    if (chunk > size - at) chunk = size - at;
    framer.Feed(std::span(data + at, chunk), t);
    at += chunk;
    t += std::chrono::milliseconds(data[at - 1] % 8);
    while (framer.Next(t, &frame)) {
      if (!CheckCrc(frame)) std::abort();
      auto reply = slave.Handle(frame, 0.0);
      if (reply && !CheckCrc(*reply)) std::abort();
    }
  }
  (void)framer.Next(t + std::chrono::seconds(1), &frame);
  return 0;
}
