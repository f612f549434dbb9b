#include <bciin/serial/serial_port.hpp>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bciin::serial {

// custom_baud.cpp: termios2 lives in <asm/termbits.h>, which clashes with <termios.h>.
Status SetCustomBaudRate(int fd, uint32_t baud);
uint32_t GetCustomBaudRate(int fd);

namespace {

bool StandardSpeed(uint32_t baud, speed_t* out) {
  switch (baud) {
    case 9600: *out = B9600; return true;
    case 19200: *out = B19200; return true;
    case 38400: *out = B38400; return true;
    case 57600: *out = B57600; return true;
    case 115200: *out = B115200; return true;
    case 230400: *out = B230400; return true;
    case 460800: *out = B460800; return true;
    case 500000: *out = B500000; return true;
    case 921600: *out = B921600; return true;
    case 1000000: *out = B1000000; return true;
    default: return false;
  }
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::IoError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

Status SetBaudRate(int fd, uint32_t baud) {
  if (baud == 0) return Status::InvalidArgument("baud rate 0");
  speed_t speed;
  if (!StandardSpeed(baud, &speed)) return SetCustomBaudRate(fd, baud);
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return Status::IoError(fmt::format("tcgetattr: {}", std::strerror(errno)));
  cfsetispeed(&tio, speed);
  cfsetospeed(&tio, speed);
  if (::tcsetattr(fd, TCSANOW, &tio) != 0)
    return Status::IoError(fmt::format("tcsetattr: {}", std::strerror(errno)));
  return Status::Ok();
}

uint32_t GetBaudRate(int fd) { return GetCustomBaudRate(fd); }

Status SerialPort::Open(const std::string& path, const PortSettings& settings,
                        std::unique_ptr<SerialPort>* out) {
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  auto fail = [&](Status s) {
    ::close(fd);
    return s;
  };
  if (settings.exclusive) {
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      return fail(Status::Busy(fmt::format("{} is in use by another process", path)));
    }
    ::ioctl(fd, TIOCEXCL);  // best effort; root bypasses it anyway
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return fail(Errno("tcgetattr", path));
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
  tio.c_cflag |= CS8;
  if (settings.keep_dtr_on_close) tio.c_cflag &= ~static_cast<tcflag_t>(HUPCL);
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return fail(Errno("tcsetattr", path));
  Status s = SetBaudRate(fd, settings.baud);
  if (!s.ok()) return fail(s.WithContext(path));
  if (settings.flush_on_open) ::tcflush(fd, TCIFLUSH);
  out->reset(new SerialPort(path, fd));
  return Status::Ok();
}

SerialPort::~SerialPort() { Close(); }

void SerialPort::Close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    reader_.Reset(-1);
  }
}

Status SerialPort::Write(std::string_view data, std::chrono::milliseconds timeout) {
  if (fd_ < 0) return Status::IoError("closed");
  return WriteAll(fd_, data, timeout);
}

}  // namespace bciin::serial
