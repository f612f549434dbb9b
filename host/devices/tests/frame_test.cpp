#include "frame.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace bciin::devices;
using namespace std::chrono_literals;

namespace {

TEST(Frame, RoundTripIncludingLargeAndEmpty) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::string big(300000, 'x');
  std::thread writer([&] {
    EXPECT_TRUE(WriteFrame(sv[0], "hello").ok());
    EXPECT_TRUE(WriteFrame(sv[0], "").ok());
    EXPECT_TRUE(WriteFrame(sv[0], big).ok());
  });
  FrameReader reader(sv[1]);
  std::string got;
  ASSERT_TRUE(reader.Read(&got, 2000ms).ok());
  EXPECT_EQ(got, "hello");
  ASSERT_TRUE(reader.Read(&got, 2000ms).ok());
  EXPECT_EQ(got, "");
  ASSERT_TRUE(reader.Read(&got, 2000ms).ok());
  EXPECT_EQ(got, big);
  writer.join();
  EXPECT_TRUE(reader.Read(&got, 10ms).is(BCIIN_ERR_TIMEOUT));
  ::close(sv[0]);
  EXPECT_TRUE(reader.Read(&got, 1000ms).is(BCIIN_ERR_IO));
  ::close(sv[1]);
}

TEST(Frame, OversizedLengthIsCorruption) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  const char bad[4] = {'\xff', '\xff', '\xff', '\x7f'};
  ASSERT_EQ(::write(sv[0], bad, 4), 4);
  FrameReader reader(sv[1]);
  std::string got;
  EXPECT_TRUE(reader.Read(&got, 1000ms).is(BCIIN_ERR_CORRUPTION));
  ::close(sv[0]);
  ::close(sv[1]);
}

}  // namespace
