// Modbus RTU framing for a slave on a pseudo-terminal (devices.md section 4).
//
// On a pty bytes arrive in arbitrary chunks and the 3.5-character silences that delimit RTU
// frames do not exist, so requests are framed by their expected length (8 bytes for function
// codes 01-06, 9 + byte count for 0x0F/0x10), checked with CRC-16/MODBUS, and frames with a bad
// CRC are dropped silently (as a real slave does). A partial frame that stays incomplete for
// longer than `stale_after` is discarded, which resynchronises after line noise. A request with
// a function code of unknown length ends when no byte has arrived for `gap`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace bciin::modbus {

using Clock = std::chrono::steady_clock;

// CRC-16/MODBUS: init 0xFFFF, reflected polynomial 0xA001, no final XOR. On the wire the low
// byte goes first.
uint16_t Crc16(std::span<const uint8_t> bytes);

// Appends the CRC (low byte first) to `frame`.
void AppendCrc(std::vector<uint8_t>* frame);

// True when the last two bytes of `frame` are the CRC of the rest.
bool CheckCrc(std::span<const uint8_t> frame);

// The length of a request ADU (address through CRC) given its first bytes, or 0 when more bytes
// are needed to tell, or -1 when the function code has no fixed framing we know.
int ExpectedRequestLength(std::span<const uint8_t> prefix);

struct FramerStats {
  uint64_t frames = 0;        // complete frames with a good CRC
  uint64_t crc_errors = 0;    // complete frames dropped for a bad CRC
  uint64_t stale_drops = 0;   // partial frames discarded after `stale_after`
};

class RequestFramer {
 public:
  explicit RequestFramer(std::chrono::milliseconds gap = std::chrono::milliseconds(5),
                         std::chrono::milliseconds stale_after = std::chrono::milliseconds(100))
      : gap_(gap), stale_after_(stale_after) {}

  // Adds received bytes.
  void Feed(std::span<const uint8_t> bytes, Clock::time_point now);

  // Pops the next complete request with a good CRC (CRC included in `*frame`); false when none
  // is ready at `now`. Bad frames are dropped and counted on the way.
  bool Next(Clock::time_point now, std::vector<uint8_t>* frame);

  const FramerStats& stats() const { return stats_; }
  size_t buffered() const { return buffer_.size(); }

 private:
  std::chrono::milliseconds gap_;
  std::chrono::milliseconds stale_after_;
  std::vector<uint8_t> buffer_;
  Clock::time_point first_byte_{};
  Clock::time_point last_byte_{};
  FramerStats stats_;
};

}  // namespace bciin::modbus
