#include "frame.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bciin::devices {

namespace {
using Clock = std::chrono::steady_clock;
int Left(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}
}  // namespace

Status WriteFrame(int fd, std::string_view payload, std::chrono::milliseconds timeout) {
  if (payload.size() > kMaxFrame) return Status::ResourceExhausted("frame too large");
  std::string data(4, '\0');
  uint32_t n = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) data[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  data.append(payload);
  auto deadline = Clock::now() + timeout;
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w > 0) {
      off += static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, Left(deadline)) == 0) return Status::Timeout("peer does not read");
      continue;
    }
    return Status::IoError(std::string("closed: ") + std::strerror(errno));
  }
  return Status::Ok();
}

bool FrameReader::Take(std::string* payload, Status* error) {
  if (buffer_.size() < 4) return false;
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(static_cast<uint8_t>(buffer_[i])) << (8 * i);
  if (n > kMaxFrame) {
    *error = Status::Corruption("frame length " + std::to_string(n));
    return true;
  }
  if (buffer_.size() < 4 + static_cast<size_t>(n)) return false;
  payload->assign(buffer_, 4, n);
  buffer_.erase(0, 4 + static_cast<size_t>(n));
  return true;
}

Status FrameReader::Read(std::string* payload, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    Status error;
    if (Take(payload, &error)) return error;
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, Left(deadline));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return Status::Timeout("no frame");
    char chunk[65536];
    ssize_t got = ::recv(fd_, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (got > 0) {
      buffer_.append(chunk, static_cast<size_t>(got));
      continue;
    }
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    return Status::IoError("closed");
  }
}

}  // namespace bciin::devices
