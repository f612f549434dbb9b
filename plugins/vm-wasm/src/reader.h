// A bounds-checked cursor over module bytes with LEB128 decoding. Errors are reported by throwing
// DecodeFailure, caught at the public API boundary (decode_module / compile), so that the many
// small reads stay readable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "bciin/wasm/status.h"

namespace bciin::wasm::internal {

struct DecodeFailure {
  Status status;
};

[[noreturn]] inline void fail(ErrorCode code, std::string message, uint64_t offset) {
  throw DecodeFailure{Status(code, std::move(message), offset)};
}

class Reader {
 public:
  Reader(const uint8_t* data, size_t pos, size_t end) : data_(data), pos_(pos), end_(end) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool at_end() const { return pos_ >= end_; }
  size_t remaining() const { return end_ - pos_; }
  const uint8_t* data() const { return data_; }
  void skip_to(size_t pos) { pos_ = pos; }

  [[noreturn]] void malformed(std::string message) const { fail(ErrorCode::kMalformed, std::move(message), pos_); }

  uint8_t u8() {
    if (pos_ >= end_) malformed("unexpected end");
    return data_[pos_++];
  }

  uint8_t peek() {
    if (pos_ >= end_) malformed("unexpected end");
    return data_[pos_];
  }

  uint32_t u32() {
    uint32_t result = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t byte = u8();
      if (shift == 28) {
        if (byte & 0x80) malformed("integer representation too long");
        if (byte & 0x70) malformed("integer too large");
        return result | (uint32_t{byte} << 28);
      }
      result |= uint32_t{byte & 0x7Fu} << shift;
      if (!(byte & 0x80)) return result;
    }
  }

  int32_t s32() { return static_cast<int32_t>(signed_leb(32)); }
  int64_t s33() { return signed_leb(33); }
  int64_t s64() { return signed_leb(64); }

  // A length-prefixed count that must fit in the remaining bytes (each element takes >= 1 byte).
  uint32_t count(uint32_t limit, const char* what) {
    size_t at = pos_;
    uint32_t n = u32();
    if (n > limit) fail(ErrorCode::kLimitExceeded, std::string("too many ") + what, at);
    if (n > remaining()) fail(ErrorCode::kMalformed, "length out of bounds", at);
    return n;
  }

  std::string name();

 private:
  int64_t signed_leb(int bits) {
    uint64_t result = 0;
    int shift = 0;
    const int max_bytes = (bits + 6) / 7;
    for (int i = 0;; ++i) {
      uint8_t byte = u8();
      if (i == max_bytes - 1) {
        if (byte & 0x80) malformed("integer representation too long");
        // Bits of the last byte beyond `bits` must all equal the sign bit.
        int used = bits - shift;  // value bits carried by this byte (1..7)
        uint8_t sign = (byte >> (used - 1)) & 1;
        uint8_t extra_mask = static_cast<uint8_t>((0x7F >> used) << used);
        if ((byte & extra_mask) != (sign ? extra_mask : 0)) malformed("integer too large");
        result |= uint64_t{byte & 0x7Fu} << shift;
        shift += 7;
        break;
      }
      result |= uint64_t{byte & 0x7Fu} << shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    if (shift < 64 && (result >> (shift - 1)) & 1) result |= ~uint64_t{0} << shift;  // sign-extend
    if (bits < 64) {
      // Truncate to `bits` and sign-extend from there (s33 keeps 33 bits, s32 keeps 32).
      uint64_t sign_bit = uint64_t{1} << (bits - 1);
      uint64_t mask = (uint64_t{1} << bits) - 1;
      result &= mask;
      if (result & sign_bit) result |= ~mask;
    }
    return static_cast<int64_t>(result);
  }

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
};

}  // namespace bciin::wasm::internal
