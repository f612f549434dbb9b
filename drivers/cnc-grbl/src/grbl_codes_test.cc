#include "grbl_codes.h"

#include <gtest/gtest.h>

namespace bciin::grbl {
namespace {

TEST(GrblCodes, KnownErrorsHaveReasons) {
  EXPECT_EQ(ErrorReason(9), "G-code locked out during alarm or jog");
  EXPECT_EQ(ErrorReason(11), "line overflow (more than 80 characters)");
  EXPECT_EQ(ErrorReason(22), "feed rate undefined");
  for (int code = 1; code <= 38; ++code) {
    if (code >= 18 && code <= 19) continue;  // unassigned in GRBL 1.1
    EXPECT_NE(ErrorReason(code), "unknown error") << code;
  }
}

TEST(GrblCodes, UnknownCodes) {
  EXPECT_EQ(ErrorReason(0), "unknown error");
  EXPECT_EQ(ErrorReason(18), "unknown error");
  EXPECT_EQ(ErrorReason(99), "unknown error");
  EXPECT_EQ(AlarmReason(0), "unknown alarm");
  EXPECT_EQ(AlarmReason(11), "unknown alarm");
}

TEST(GrblCodes, Alarms) {
  for (int code = 1; code <= 10; ++code) EXPECT_NE(AlarmReason(code), "unknown alarm");
  EXPECT_TRUE(IsCriticalAlarm(1));
  EXPECT_TRUE(IsCriticalAlarm(2));
  EXPECT_FALSE(IsCriticalAlarm(3));
  EXPECT_TRUE(AlarmLosesPosition(1));
  EXPECT_FALSE(AlarmLosesPosition(2));
  EXPECT_TRUE(AlarmLosesPosition(3));
}

TEST(GrblCodes, Describe) {
  EXPECT_EQ(DescribeError(20), "error:20 (unsupported or invalid G-code command)");
  EXPECT_EQ(DescribeAlarm(1), "ALARM:1 (hard limit triggered, position lost)");
}

}  // namespace
}  // namespace bciin::grbl
