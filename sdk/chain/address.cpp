#include <bciin/chain/address.h>
#include <bciin/chain/hash.h>

#include <algorithm>
#include <cstring>

namespace bciin::chain {

namespace {
constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

std::array<uint8_t, 4> Checksum(std::string_view prefix, const std::array<uint8_t, 32>& bytes) {
  Hash h = Blake2b256({AsView(prefix), ByteView(bytes)});
  return {h[0], h[1], h[2], h[3]};
}
// Builds "'<text>' <what>" by appends (GCC 12 at -O3 warns falsely on "'" + std::string).
std::string Quoted(std::string_view text, std::string_view what) {
  std::string s;
  s.reserve(text.size() + what.size() + 3);
  s.push_back('\'');
  s.append(text);
  s.append("' ");
  s.append(what);
  return s;
}
}  // namespace

std::string Base58Encode(ByteView data) {
  size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;
  // Repeated division of the big-endian number by 58.
  std::vector<uint8_t> num(data.begin() + static_cast<long>(zeros), data.end());
  std::string out;
  while (!num.empty()) {
    uint32_t rem = 0;
    std::vector<uint8_t> quotient;
    quotient.reserve(num.size());
    for (uint8_t d : num) {
      uint32_t acc = rem * 256 + d;
      uint8_t q = static_cast<uint8_t>(acc / 58);
      rem = acc % 58;
      if (!quotient.empty() || q != 0) quotient.push_back(q);
    }
    out.push_back(kAlphabet[rem]);
    num = std::move(quotient);
  }
  out.append(zeros, '1');
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<Bytes> Base58Decode(std::string_view text) {
  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1') ++zeros;
  std::vector<uint8_t> num;  // big-endian base 256
  for (size_t i = zeros; i < text.size(); ++i) {
    const char* p = std::strchr(kAlphabet, text[i]);
    if (p == nullptr || *p == '\0') return std::nullopt;
    uint32_t carry = static_cast<uint32_t>(p - kAlphabet);
    for (size_t j = num.size(); j-- > 0;) {
      uint32_t acc = num[j] * 58u + carry;
      num[j] = static_cast<uint8_t>(acc & 0xFF);
      carry = acc >> 8;
    }
    while (carry) {
      num.insert(num.begin(), static_cast<uint8_t>(carry & 0xFF));
      carry >>= 8;
    }
  }
  Bytes out(zeros, 0);
  out.insert(out.end(), num.begin(), num.end());
  return out;
}

std::string EncodeId(std::string_view prefix, const std::array<uint8_t, 32>& bytes) {
  Bytes payload(bytes.begin(), bytes.end());
  auto sum = Checksum(prefix, bytes);
  payload.insert(payload.end(), sum.begin(), sum.end());
  return std::string(prefix) + "_" + Base58Encode(payload);
}

Status DecodeId(std::string_view prefix, std::string_view text, std::array<uint8_t, 32>* out) {
  if (text.size() < prefix.size() + 1 || text.substr(0, prefix.size()) != prefix ||
      text[prefix.size()] != '_')
    return Status::InvalidArgument(Quoted(text.substr(0, 60), "does not start with " + std::string(prefix) + "_"));
  if (text.size() > prefix.size() + 1 + 60)
    return Status::InvalidArgument(Quoted(text.substr(0, 60), "is too long for an id"));
  auto raw = Base58Decode(text.substr(prefix.size() + 1));
  if (!raw) return Status::InvalidArgument(Quoted(text, "is not base58"));
  if (raw->size() != 36)
    return Status::InvalidArgument(Quoted(text, "does not hold 32 bytes and a checksum"));
  std::array<uint8_t, 32> bytes;
  std::copy(raw->begin(), raw->begin() + 32, bytes.begin());
  auto sum = Checksum(prefix, bytes);
  if (!std::equal(sum.begin(), sum.end(), raw->begin() + 32))
    return Status::InvalidArgument(Quoted(text, "has a wrong checksum"));
  *out = bytes;
  return Status();
}

}  // namespace bciin::chain
