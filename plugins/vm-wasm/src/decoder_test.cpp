#include <gtest/gtest.h>

TEST(Placeholder, decoder) {}
