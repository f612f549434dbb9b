#include "bciin/cuckoo/proof.h"

#include <fmt/format.h>

#include <charconv>
#include <cctype>

namespace bciin::cuckoo {

std::vector<uint8_t> encode_edges_be(const Proof& edges, unsigned edge_bits) {
  const size_t width = edge_width(edge_bits);
  std::vector<uint8_t> out;
  out.reserve(kProofSize * width);
  for (uint64_t e : edges)
    for (size_t i = 0; i < width; ++i) out.push_back(static_cast<uint8_t>(e >> (8 * (width - 1 - i))));
  return out;
}

std::vector<uint8_t> encode_seal(const Seal& seal) {
  std::vector<uint8_t> out;
  out.reserve(seal_size(seal.edge_bits));
  out.push_back(static_cast<uint8_t>(seal.edge_bits));
  for (unsigned i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(seal.nonce >> (8 * i)));
  const std::vector<uint8_t> edges = encode_edges_be(seal.edges, seal.edge_bits);
  out.insert(out.end(), edges.begin(), edges.end());
  return out;
}

std::optional<Seal> decode_seal(std::span<const uint8_t> bytes, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Seal> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (bytes.empty()) return fail("empty seal");
  Seal seal;
  seal.edge_bits = bytes[0];
  if (seal.edge_bits < kMinEdgeBits || seal.edge_bits > kMaxEdgeBits)
    return fail(fmt::format("edge_bits {} outside {}..{}", seal.edge_bits, kMinEdgeBits, kMaxEdgeBits));
  if (bytes.size() != seal_size(seal.edge_bits))
    return fail(fmt::format("seal is {} bytes, expected {} at {} edge bits", bytes.size(),
                            seal_size(seal.edge_bits), seal.edge_bits));
  for (unsigned i = 0; i < 4; ++i) seal.nonce |= uint32_t{bytes[1 + i]} << (8 * i);
  const size_t width = edge_width(seal.edge_bits);
  for (unsigned n = 0; n < kProofSize; ++n) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = (v << 8) | bytes[5 + n * width + i];
    seal.edges[n] = v;
  }
  return seal;
}

std::optional<Proof> parse_proof(std::string_view text, bool hex, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Proof> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  auto is_sep = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '[' || c == ']';
  };
  Proof proof{};
  unsigned count = 0;
  size_t i = 0;
  bool first_token = true;
  while (i < text.size()) {
    if (is_sep(text[i])) { ++i; continue; }
    size_t j = i;
    while (j < text.size() && !is_sep(text[j])) ++j;
    std::string_view token = text.substr(i, j - i);
    i = j;
    if (first_token && token == "Solution") { first_token = false; continue; }
    first_token = false;
    std::string_view digits = token;
    if (hex && digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
      digits.remove_prefix(2);
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, hex ? 16 : 10);
    if (ec == std::errc::result_out_of_range) return fail(fmt::format("edge '{}' does not fit 64 bits", token));
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
      return fail(fmt::format("'{}' is not a {} number", token, hex ? "hex" : "decimal"));
    if (count == kProofSize) return fail(fmt::format("more than {} edges", kProofSize));
    proof[count++] = v;
  }
  if (count != kProofSize) return fail(fmt::format("{} edges given, a proof has exactly {}", count, kProofSize));
  return proof;
}

std::string format_proof_hex(const Proof& edges) {
  std::string out;
  for (unsigned i = 0; i < kProofSize; ++i) {
    if (i) out += ' ';
    out += fmt::format("{:x}", edges[i]);
  }
  return out;
}

}  // namespace bciin::cuckoo
