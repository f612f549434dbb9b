#include "semver.hpp"

#include <gtest/gtest.h>

namespace bciin::host {
namespace {

Version V(const char* s) {
  Version v;
  EXPECT_TRUE(ParseVersion(s, &v).ok()) << s;
  return v;
}

bool In(const char* range, const char* version) {
  VersionRange r;
  EXPECT_TRUE(VersionRange::Parse(range, &r).ok()) << range;
  return r.Contains(V(version));
}

TEST(SemverTest, ParsesAndOrders) {
  EXPECT_EQ(V("1.2.3").ToString(), "1.2.3");
  EXPECT_EQ(V("2").ToString(), "2.0.0");
  EXPECT_TRUE(V("1.0.0-rc.1") < V("1.0.0"));
  EXPECT_TRUE(V("1.9.9") < V("1.10.0"));
  EXPECT_TRUE(V("1.0.0+build") == V("1.0.0"));
}

TEST(SemverTest, RejectsMalformed) {
  Version v;
  for (const char* bad : {"", "a.b.c", "1..2", "1.2.3.4", "1.2.x", "-1", "1.0.0-"})
    EXPECT_FALSE(ParseVersion(bad, &v).ok()) << bad;
  VersionRange r;
  EXPECT_FALSE(VersionRange::Parse(">=one", &r).ok());
}

TEST(SemverTest, RangesContain) {
  EXPECT_TRUE(In(">=1.0.0 <2.0.0", "1.5.0"));
  EXPECT_FALSE(In(">=1.0.0 <2.0.0", "2.0.0"));
  EXPECT_TRUE(In("^1.2", "1.9.0"));
  EXPECT_FALSE(In("^1.2", "1.1.9"));
  EXPECT_FALSE(In("^0.2.3", "0.3.0"));
  EXPECT_TRUE(In("~1.2.3", "1.2.9"));
  EXPECT_FALSE(In("~1.2.3", "1.3.0"));
  EXPECT_TRUE(In("*", "0.0.1"));
  EXPECT_TRUE(In("", "9.9.9"));
  EXPECT_TRUE(In("=1.2.3", "1.2.3"));
  EXPECT_FALSE(In("1.2.3", "1.2.4"));
  EXPECT_TRUE(In("optional ^1.0", "1.4.0"));
  EXPECT_FALSE(In("optional ^1.0", "2.0.0"));
}

}  // namespace
}  // namespace bciin::host
