#include <bciin/chain/amount.h>

#include <algorithm>

namespace bciin::chain {

std::optional<Amount> Amount::Add(Amount o) const {
  Raw r;
  if (__builtin_add_overflow(v_, o.v_, &r)) return std::nullopt;
  return FromRaw(r);
}

std::optional<Amount> Amount::Sub(Amount o) const {
  if (o.v_ > v_) return std::nullopt;
  return FromRaw(v_ - o.v_);
}

std::optional<Amount> Amount::Mul(Amount o) const {
  Raw r;
  if (__builtin_mul_overflow(v_, o.v_, &r)) return std::nullopt;
  return FromRaw(r);
}

std::string Amount::ToString() const {
  if (v_ == 0) return "0";
  std::string out;
  Raw v = v_;
  while (v != 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<Amount> Amount::Parse(std::string_view text) {
  if (text.empty() || text.size() > 39) return std::nullopt;
  Raw v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(v, static_cast<Raw>(10), &v)) return std::nullopt;
    if (__builtin_add_overflow(v, static_cast<Raw>(c - '0'), &v)) return std::nullopt;
  }
  return FromRaw(v);
}

}  // namespace bciin::chain
