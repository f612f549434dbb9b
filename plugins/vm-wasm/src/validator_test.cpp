#include <gtest/gtest.h>

TEST(Placeholder, validator) {}
