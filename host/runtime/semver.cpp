#include "semver.hpp"

#include <charconv>
#include <sstream>

namespace bciin::host {

std::string Version::ToString() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!prerelease.empty()) s += "-" + prerelease;
  return s;
}

int Compare(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease == b.prerelease) return 0;
  if (a.prerelease.empty()) return 1;
  if (b.prerelease.empty()) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

Status ParseVersion(std::string_view text, Version* out) {
  Version v;
  std::string_view rest = text;
  if (auto plus = rest.find('+'); plus != std::string_view::npos) rest = rest.substr(0, plus);
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    v.prerelease = std::string(rest.substr(dash + 1));
    if (v.prerelease.empty()) return Status::InvalidArgument("empty prerelease in version '" + std::string(text) + "'");
    rest = rest.substr(0, dash);
  }
  uint64_t* parts[3] = {&v.major, &v.minor, &v.patch};
  int index = 0;
  while (true) {
    if (index == 3) return Status::InvalidArgument("too many parts in version '" + std::string(text) + "'");
    auto dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), *parts[index]);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size())
      return Status::InvalidArgument("'" + std::string(text) + "' is not a version (expected MAJOR.MINOR.PATCH)");
    ++index;
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  *out = v;
  return Status();
}

Status VersionRange::Parse(std::string_view text, VersionRange* out) {
  VersionRange range;
  range.text_ = std::string(text);
  std::istringstream words{std::string(text)};
  std::string word;
  while (words >> word) {
    if (word == "*" || word == "x" || word == "optional") continue;
    auto bad = [&](const Status& s) {
      return Status::InvalidArgument("bad version range '" + std::string(text) + "': " + s.message());
    };
    Op op = Op::kEq;
    size_t skip = 0;
    char kind = 0;
    if (word.rfind(">=", 0) == 0) { op = Op::kGe; skip = 2; }
    else if (word.rfind("<=", 0) == 0) { op = Op::kLe; skip = 2; }
    else if (word[0] == '>') { op = Op::kGt; skip = 1; }
    else if (word[0] == '<') { op = Op::kLt; skip = 1; }
    else if (word[0] == '=') { op = Op::kEq; skip = 1; }
    else if (word[0] == '^' || word[0] == '~') { kind = word[0]; skip = 1; }
    Version v;
    Status s = ParseVersion(std::string_view(word).substr(skip), &v);
    if (!s.ok()) return bad(s);
    if (kind == 0) {
      range.comparators_.push_back({op, v});
      continue;
    }
    // ^1.2.3 := >=1.2.3 <2.0.0 (^0.2.3 := <0.3.0); ~1.2.3 := >=1.2.3 <1.3.0
    Version upper;
    if (kind == '^') {
      if (v.major > 0) upper = {v.major + 1, 0, 0, {}};
      else if (v.minor > 0) upper = {0, v.minor + 1, 0, {}};
      else upper = {0, 0, v.patch + 1, {}};
    } else {
      upper = {v.major, v.minor + 1, 0, {}};
    }
    range.comparators_.push_back({Op::kGe, v});
    range.comparators_.push_back({Op::kLt, upper});
  }
  *out = std::move(range);
  return Status();
}

bool VersionRange::Contains(const Version& v) const {
  for (const auto& c : comparators_) {
    int cmp = Compare(v, c.version);
    bool ok = false;
    switch (c.op) {
      case Op::kEq: ok = cmp == 0; break;
      case Op::kGt: ok = cmp > 0; break;
      case Op::kGe: ok = cmp >= 0; break;
      case Op::kLt: ok = cmp < 0; break;
      case Op::kLe: ok = cmp <= 0; break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace bciin::host
