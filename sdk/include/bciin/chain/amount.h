// Amounts of DSD in the smallest unit: unsigned 128-bit, checked arithmetic (an overflow or an
// underflow is an error, never a wrap).
#pragma once

#include <bciin/ledger.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bciin::chain {

class Amount {
 public:
  using Raw = unsigned __int128;

  constexpr Amount() = default;
  constexpr explicit Amount(uint64_t v) : v_(v) {}
  static constexpr Amount FromRaw(Raw v) {
    Amount a;
    a.v_ = v;
    return a;
  }
  static constexpr Amount FromParts(uint64_t lo, uint64_t hi) {
    return FromRaw((static_cast<Raw>(hi) << 64) | lo);
  }
  static Amount FromC(bciin_amount a) { return FromParts(a.lo, a.hi); }
  static constexpr Amount Max() { return FromRaw(~static_cast<Raw>(0)); }

  constexpr Raw raw() const { return v_; }
  constexpr uint64_t lo() const { return static_cast<uint64_t>(v_); }
  constexpr uint64_t hi() const { return static_cast<uint64_t>(v_ >> 64); }
  bciin_amount ToC() const { return {lo(), hi()}; }
  constexpr bool IsZero() const { return v_ == 0; }

  // Checked arithmetic: nullopt on overflow / underflow.
  std::optional<Amount> Add(Amount o) const;
  std::optional<Amount> Sub(Amount o) const;
  std::optional<Amount> Mul(Amount o) const;
  static std::optional<Amount> Mul64(uint64_t a, uint64_t b) { return Amount(a).Mul(Amount(b)); }

  // Decimal digits, no sign, no separators.
  std::string ToString() const;
  // Parses decimal digits only (no sign, no leading '+', at most 39 digits); nullopt on
  // anything else or an overflow.
  static std::optional<Amount> Parse(std::string_view text);

  friend constexpr auto operator<=>(Amount a, Amount b) = default;

 private:
  Raw v_ = 0;
};

}  // namespace bciin::chain
