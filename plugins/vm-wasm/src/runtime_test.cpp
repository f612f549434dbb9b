#include <gtest/gtest.h>

TEST(Placeholder, runtime) {}
