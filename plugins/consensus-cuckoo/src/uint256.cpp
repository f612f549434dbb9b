#include "bciin/cuckoo/uint256.h"

#include <fmt/format.h>

#include <algorithm>

namespace bciin::cuckoo {

U256 U256::max() { return ~U256(0); }

U256 U256::from_be_bytes(const std::array<uint8_t, 32>& bytes) {
  U256 r;
  for (unsigned i = 0; i < 32; ++i) r.limb_[3 - i / 8] = (r.limb_[3 - i / 8] << 8) | bytes[i];
  return r;
}

std::array<uint8_t, 32> U256::to_be_bytes() const {
  std::array<uint8_t, 32> out{};
  for (unsigned i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(limb_[3 - i / 8] >> (8 * (7 - i % 8)));
  return out;
}

bool U256::from_hex(std::string_view hex, U256* out) {
  if (hex.size() > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  if (hex.empty() || hex.size() > 64) return false;
  U256 r;
  for (char c : hex) {
    unsigned d;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
    else return false;
    r = (r << 4) + U256(d);
  }
  *out = r;
  return true;
}

std::string U256::to_hex() const {
  return fmt::format("{:016x}{:016x}{:016x}{:016x}", limb_[3], limb_[2], limb_[1], limb_[0]);
}

std::string U256::to_decimal() const {
  if (is_zero()) return "0";
  std::string digits;
  U256 v = *this;
  const U256 ten(10);
  while (!v.is_zero()) {
    U256 q, r;
    divmod(v, ten, &q, &r);
    digits.push_back(static_cast<char>('0' + r.limb_[0]));
    v = q;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

unsigned U256::bit_length() const {
  for (int i = 3; i >= 0; --i)
    if (limb_[i]) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(limb_[i]));
  return 0;
}

std::strong_ordering operator<=>(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i)
    if (a.limb_[i] != b.limb_[i]) return a.limb_[i] <=> b.limb_[i];
  return std::strong_ordering::equal;
}

U256 operator+(const U256& a, const U256& b) {
  U256 r;
  unsigned __int128 carry = 0;
  for (unsigned i = 0; i < 4; ++i) {
    carry += static_cast<unsigned __int128>(a.limb_[i]) + b.limb_[i];
    r.limb_[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  return r;
}

U256 operator-(const U256& a, const U256& b) { return a + (~b + U256(1)); }

U256 operator~(const U256& a) {
  U256 r;
  for (unsigned i = 0; i < 4; ++i) r.limb_[i] = ~a.limb_[i];
  return r;
}

U256 operator<<(const U256& a, unsigned shift) {
  if (shift >= 256) return U256();
  U256 r;
  const unsigned words = shift / 64, bits = shift % 64;
  for (int i = 3; i >= static_cast<int>(words); --i) {
    uint64_t v = a.limb_[i - words] << bits;
    if (bits && i - static_cast<int>(words) - 1 >= 0) v |= a.limb_[i - words - 1] >> (64 - bits);
    r.limb_[i] = v;
  }
  return r;
}

U256 operator>>(const U256& a, unsigned shift) {
  if (shift >= 256) return U256();
  U256 r;
  const unsigned words = shift / 64, bits = shift % 64;
  for (unsigned i = 0; i + words < 4; ++i) {
    uint64_t v = a.limb_[i + words] >> bits;
    if (bits && i + words + 1 < 4) v |= a.limb_[i + words + 1] << (64 - bits);
    r.limb_[i] = v;
  }
  return r;
}

U256 U256::mul(const U256& a, uint64_t b, bool* overflow) {
  U256 r;
  unsigned __int128 carry = 0;
  for (unsigned i = 0; i < 4; ++i) {
    carry += static_cast<unsigned __int128>(a.limb_[i]) * b;
    r.limb_[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  if (overflow) *overflow = carry != 0;
  return r;
}

void U256::divmod(const U256& n, const U256& d, U256* quotient, U256* remainder) {
  // Shift-subtract long division; 256 steps at most, fine for consensus-rate use.
  U256 q, r;
  for (int bit = static_cast<int>(n.bit_length()) - 1; bit >= 0; --bit) {
    r = r << 1;
    if ((n.limb_[bit / 64] >> (bit % 64)) & 1) r.limb_[0] |= 1;
    if (r >= d) {
      r = r - d;
      q.limb_[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
  if (quotient) *quotient = q;
  if (remainder) *remainder = r;
}

U256 operator/(const U256& a, const U256& b) {
  U256 q;
  U256::divmod(a, b, &q, nullptr);
  return q;
}

U256 U256::add_saturating(const U256& a, const U256& b) {
  U256 s = a + b;
  return s < a ? max() : s;
}

}  // namespace bciin::cuckoo
