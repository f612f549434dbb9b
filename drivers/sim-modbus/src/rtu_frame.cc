#include "rtu_frame.h"

namespace bciin::modbus {

uint16_t Crc16(std::span<const uint8_t> bytes) {
  uint16_t crc = 0xFFFF;
  for (uint8_t b : bytes) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
  }
  return crc;
}

void AppendCrc(std::vector<uint8_t>* frame) {
  uint16_t crc = Crc16(*frame);
  frame->push_back(static_cast<uint8_t>(crc & 0xFF));
  frame->push_back(static_cast<uint8_t>(crc >> 8));
}

bool CheckCrc(std::span<const uint8_t> frame) {
  if (frame.size() < 3) return false;
  uint16_t crc = Crc16(frame.first(frame.size() - 2));
  return frame[frame.size() - 2] == (crc & 0xFF) && frame[frame.size() - 1] == (crc >> 8);
}

int ExpectedRequestLength(std::span<const uint8_t> prefix) {
  if (prefix.size() < 2) return 0;
  switch (prefix[1]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      return 8;
    case 0x07: case 0x0B: case 0x0C: case 0x11:
      return 4;
    case 0x0F: case 0x10:
      if (prefix.size() < 7) return 0;
      return 9 + prefix[6];
    default:
      return -1;
  }
}

void RequestFramer::Feed(std::span<const uint8_t> bytes, Clock::time_point now) {
  if (bytes.empty()) return;
  if (buffer_.empty()) first_byte_ = now;
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  last_byte_ = now;
}

bool RequestFramer::Next(Clock::time_point now, std::vector<uint8_t>* frame) {
  while (!buffer_.empty()) {
    int expected = ExpectedRequestLength(buffer_);
    size_t take = 0;
    if (expected > 0 && buffer_.size() >= static_cast<size_t>(expected)) {
      take = static_cast<size_t>(expected);
    } else if (expected < 0 && now - last_byte_ >= gap_) {
      take = buffer_.size();  // unknown function: the silence ends it
    } else {
      if (now - first_byte_ >= stale_after_) {
        buffer_.clear();
        ++stats_.stale_drops;
      }
      return false;
    }
    std::vector<uint8_t> candidate(buffer_.begin(), buffer_.begin() + static_cast<long>(take));
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(take));
    first_byte_ = now;
    if (!CheckCrc(candidate)) {
      ++stats_.crc_errors;
      continue;
    }
    ++stats_.frames;
    *frame = std::move(candidate);
    return true;
  }
  return false;
}

}  // namespace bciin::modbus
