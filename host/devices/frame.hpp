// Length-prefixed frames over a stream socket: the wire of the manager <-> worker protocol.
//
// A frame is a 4-byte little-endian length followed by that many bytes (a JSON text). Frames
// larger than kMaxFrame are refused as corruption.
#pragma once

#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace bciin::devices {

constexpr uint32_t kMaxFrame = 64u << 20;

// Writes one frame (blocking descriptor or not; waits up to `timeout` for room).
Status WriteFrame(int fd, std::string_view payload,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Buffers bytes from a descriptor and hands out whole frames.
class FrameReader {
 public:
  explicit FrameReader(int fd) : fd_(fd) {}
  // Waits up to `timeout` for a frame. Timeout, IoError("closed") on EOF, Corruption.
  Status Read(std::string* payload, std::chrono::milliseconds timeout);

 private:
  bool Take(std::string* payload, Status* error);
  int fd_;
  std::string buffer_;
};

}  // namespace bciin::devices
