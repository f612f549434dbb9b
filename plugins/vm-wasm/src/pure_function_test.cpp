#include <gtest/gtest.h>

TEST(Placeholder, pure_function) {}
