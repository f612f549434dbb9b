#include "char_counting_streamer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bciin::grbl {
namespace {

TEST(CharCountingStreamer, KeepsWithinBudget) {
  CharCountingStreamer s;  // 128 - 5
  EXPECT_EQ(s.budget(), 123u);
  std::vector<size_t> lines = {40, 40, 40};  // 41 * 3 = 123
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_TRUE(s.CanSend(lines[i]));
    s.OnSent(i, lines[i]);
  }
  EXPECT_EQ(s.in_flight_bytes(), 123u);
  EXPECT_FALSE(s.CanSend(0));
  auto first = s.OnAnswer();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->tag, 0u);
  EXPECT_EQ(first->bytes, 41u);
  EXPECT_TRUE(s.CanSend(40));
  EXPECT_FALSE(s.CanSend(41));
  EXPECT_EQ(s.max_fill(), 123u);
}

TEST(CharCountingStreamer, AnswersRetireInOrder) {
  CharCountingStreamer s(128, 8);
  s.OnSent(7, 10);
  s.OnSent(8, 20);
  EXPECT_EQ(s.OnAnswer()->tag, 7u);
  EXPECT_EQ(s.OnAnswer()->tag, 8u);
  EXPECT_FALSE(s.OnAnswer());
  EXPECT_TRUE(s.idle());
}

TEST(CharCountingStreamer, ResetForgets) {
  CharCountingStreamer s;
  s.OnSent(1, 79);
  s.Reset();
  EXPECT_TRUE(s.idle());
  EXPECT_EQ(s.in_flight_bytes(), 0u);
  EXPECT_TRUE(s.Fits(80));
  EXPECT_FALSE(s.Fits(123));
}

// A simulated GRBL: answers a random number of lines at each step; the buffer must never hold
// more than the budget.
TEST(CharCountingStreamer, NeverOverflowsUnderRandomAcks) {
  CharCountingStreamer s;
  unsigned seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  size_t sent = 0, answered = 0;
  while (answered < 5000) {
    size_t len = 1 + next() % 80;
    while (sent < 5000 && s.CanSend(len)) {
      s.OnSent(sent++, len);
      len = 1 + next() % 80;
      ASSERT_LE(s.in_flight_bytes(), 123u);
    }
    size_t acks = next() % 3;
    for (size_t i = 0; i < acks && !s.idle(); ++i) {
      EXPECT_EQ(s.OnAnswer()->tag, answered);
      ++answered;
    }
  }
  EXPECT_LE(s.max_fill(), 123u);
}

}  // namespace
}  // namespace bciin::grbl
