// Semantic versions and version ranges, as used in manifests (`version`, `requires`) and in
// find_service(id, min_version).
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::host {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // "rc.1" in "1.0.0-rc.1"; build metadata ("+...") is dropped

  std::string ToString() const;
  // Precedence per semver.org: numeric triple, then a prerelease sorts before its release.
  friend int Compare(const Version& a, const Version& b);
  friend bool operator<(const Version& a, const Version& b) { return Compare(a, b) < 0; }
  friend bool operator==(const Version& a, const Version& b) { return Compare(a, b) == 0; }
};

// Parses "1", "1.2" or "1.2.3[-pre][+build]"; missing parts are 0.
Status ParseVersion(std::string_view text, Version* out);

// A range: space-separated comparators that must all hold (">=1.0.0 <2.0.0"), each one of
// "=V" "V" ">V" ">=V" "<V" "<=V" "^V" "~V" "*". A leading word "optional" marks an optional
// requirement (see optional()); it adds no constraint.

class VersionRange {
 public:
  static Status Parse(std::string_view text, VersionRange* out);
  bool Contains(const Version& v) const;
  const std::string& text() const { return text_; }
  // "optional ..." in a requirement: satisfied when nothing provides it; when something does,
  // that provider is still ordered first.
  bool optional() const { return text_.rfind("optional", 0) == 0; }

 private:
  enum class Op { kEq, kGt, kGe, kLt, kLe };
  struct Comparator {
    Op op;
    Version version;
  };
  std::vector<Comparator> comparators_;
  std::string text_;
};

}  // namespace bciin::host
