// A small unsigned 256-bit integer for targets and work. Arithmetic wraps modulo 2^256 unless a
// function says otherwise; callers that must not wrap check first (see add_saturating).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>

namespace bciin::cuckoo {

class U256 {
 public:
  constexpr U256() = default;
  constexpr U256(uint64_t v) : limb_{v, 0, 0, 0} {}  // NOLINT: implicit from small integers is handy
  static U256 max();
  // 32 bytes, most significant first (how hashes are compared against targets).
  static U256 from_be_bytes(const std::array<uint8_t, 32>& bytes);
  std::array<uint8_t, 32> to_be_bytes() const;
  // Hex digits, optional 0x, at most 64 digits. Returns false on anything else.
  static bool from_hex(std::string_view hex, U256* out);
  std::string to_hex() const;      // 64 lowercase digits
  std::string to_decimal() const;

  uint64_t limb(unsigned i) const { return limb_[i]; }  // i = 0 is least significant
  unsigned bit_length() const;                           // 0 for zero
  bool is_zero() const { return (limb_[0] | limb_[1] | limb_[2] | limb_[3]) == 0; }

  friend bool operator==(const U256&, const U256&) = default;
  friend std::strong_ordering operator<=>(const U256& a, const U256& b);

  friend U256 operator+(const U256& a, const U256& b);
  friend U256 operator-(const U256& a, const U256& b);
  friend U256 operator<<(const U256& a, unsigned shift);  // shift >= 256 gives 0
  friend U256 operator>>(const U256& a, unsigned shift);
  friend U256 operator~(const U256& a);
  // Product modulo 2^256; *overflow (when given) is set if the true product does not fit.
  static U256 mul(const U256& a, uint64_t b, bool* overflow = nullptr);
  // Quotient and remainder; requires d != 0.
  static void divmod(const U256& n, const U256& d, U256* quotient, U256* remainder);
  friend U256 operator/(const U256& a, const U256& b);

  // a + b, or max() if the sum does not fit.
  static U256 add_saturating(const U256& a, const U256& b);

 private:
  std::array<uint64_t, 4> limb_{};
};

}  // namespace bciin::cuckoo
