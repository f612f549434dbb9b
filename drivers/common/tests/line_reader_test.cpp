#include <bciin/serial/line_reader.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

using bciin::serial::LineReader;
using bciin::serial::WriteAll;
using namespace std::chrono_literals;

namespace {

class Pipe : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pipe2(fds_, O_NONBLOCK), 0);
  }
  void TearDown() override {
    if (fds_[0] >= 0) ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  void Send(std::string_view s) { ASSERT_TRUE(WriteAll(fds_[1], s, 1000ms).ok()); }
  int fds_[2] = {-1, -1};
};

TEST_F(Pipe, SplitsLinesAcrossChunksAndEndings) {
  LineReader reader(fds_[0]);
  std::string line;
  Send("ok\nok T:2");
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "ok");
  EXPECT_TRUE(reader.ReadLine(&line, 10ms).is(BCIIN_ERR_TIMEOUT));
  Send("1.3\r\nGrbl 1.1h\r");
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "ok T:21.3");
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "Grbl 1.1h");
  Send("\nnext\n");  // the "\n" of a split "\r\n" is not an empty line
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "next");
}

TEST_F(Pipe, LongLineComesInPieces) {
  LineReader reader(fds_[0], 8);
  std::string line;
  Send("0123456789abc\n");
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "01234567");
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "89abc");
}

TEST_F(Pipe, EndOfFileIsClosedAfterBufferedLines) {
  LineReader reader(fds_[0]);
  std::string line;
  Send("last\n");
  ::close(fds_[1]);
  fds_[1] = -1;
  ASSERT_TRUE(reader.ReadLine(&line, 1000ms).ok());
  EXPECT_EQ(line, "last");
  auto s = reader.ReadLine(&line, 1000ms);
  EXPECT_TRUE(s.is(BCIIN_ERR_IO)) << s.ToString();
}

}  // namespace
