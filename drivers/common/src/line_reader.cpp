#include <bciin/serial/line_reader.hpp>

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bciin::serial {

namespace {
using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}
}  // namespace

bool IsDisconnectErrno(int err) {
  return err == EIO || err == ENXIO || err == EPIPE || err == ENODEV || err == EBADF;
}

bool LineReader::NextLine(std::string* line) {
  size_t end = buffer_.find_first_of("\r\n");
  if (end == std::string::npos) {
    if (buffer_.size() >= max_line_) {
      line->assign(buffer_, 0, max_line_);
      buffer_.erase(0, max_line_);
      return true;
    }
    return false;
  }
  size_t take = end < max_line_ ? end : max_line_;
  line->assign(buffer_, 0, take);
  if (take < end) {
    buffer_.erase(0, take);
    return true;
  }
  size_t skip = 1;
  if (buffer_[end] == '\r' && end + 1 < buffer_.size() && buffer_[end + 1] == '\n') skip = 2;
  buffer_.erase(0, end + skip);
  // "\r\n" split across reads leaves a lone "\n" that would read as an empty line; GRBL and
  // Marlin never send empty lines that matter, so empty lines are simply skipped.
  if (line->empty()) return NextLine(line);
  return true;
}

Status LineReader::Fill() {
  if (fd_ < 0) return Status::IoError("closed");
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof(chunk)) return Status::Ok();
      continue;
    }
    if (n == 0) return Status::IoError("closed");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::Ok();
    if (IsDisconnectErrno(errno)) return Status::IoError("closed");
    return Status::IoError(fmt::format("read: {}", std::strerror(errno)));
  }
}

Status LineReader::ReadLine(std::string* line, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (NextLine(line)) return Status::Ok();
    if (fd_ < 0) return Status::IoError("closed");
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, RemainingMs(deadline));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(fmt::format("poll: {}", std::strerror(errno)));
    }
    if (r == 0) return Status::Timeout("no complete line");
    if (p.revents & POLLIN) {
      Status s = Fill();
      if (!s.ok()) {
        if (NextLine(line)) return Status::Ok();  // deliver what came before the hang-up
        return s;
      }
      continue;
    }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return Status::IoError("closed");
  }
}

Status WriteAll(int fd, std::string_view data, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      int r = ::poll(&p, 1, RemainingMs(deadline));
      if (r == 0) return Status::Timeout("write: the peer does not drain");
      if (r < 0 && errno != EINTR) return Status::IoError(fmt::format("poll: {}", std::strerror(errno)));
      if (r > 0 && (p.revents & (POLLERR | POLLNVAL))) return Status::IoError("closed");
      continue;
    }
    if (n < 0 && IsDisconnectErrno(errno)) return Status::IoError("closed");
    return Status::IoError(fmt::format("write: {}", n < 0 ? std::strerror(errno) : "wrote nothing"));
  }
  return Status::Ok();
}

}  // namespace bciin::serial
