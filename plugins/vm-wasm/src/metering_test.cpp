#include <gtest/gtest.h>

TEST(Placeholder, metering) {}
