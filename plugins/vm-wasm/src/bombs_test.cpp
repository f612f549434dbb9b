#include <gtest/gtest.h>

TEST(Placeholder, bombs) {}
