// Baud rates without a Bxxx constant (250000 for many 3D printers) through termios2/BOTHER.
// Kept alone in this file: <asm/termbits.h> clashes with <termios.h>.
#include <asm/termbits.h>
#include <sys/ioctl.h>

#include <bciin/sdk/status.hpp>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace bciin::serial {

Status SetCustomBaudRate(int fd, uint32_t baud) {
  struct termios2 tio {};
  if (::ioctl(fd, TCGETS2, &tio) != 0) return Status::IoError(std::string("TCGETS2: ") + std::strerror(errno));
  tio.c_cflag &= ~static_cast<tcflag_t>(CBAUD);
  tio.c_cflag |= BOTHER;
  tio.c_cflag &= ~static_cast<tcflag_t>(CBAUD << IBSHIFT);
  tio.c_cflag |= BOTHER << IBSHIFT;
  tio.c_ispeed = baud;
  tio.c_ospeed = baud;
  if (::ioctl(fd, TCSETS2, &tio) != 0) {
    return Status::InvalidArgument("baud rate " + std::to_string(baud) + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

uint32_t GetCustomBaudRate(int fd) {
  struct termios2 tio {};
  if (::ioctl(fd, TCGETS2, &tio) != 0) return 0;
  return tio.c_ospeed;
}

}  // namespace bciin::serial
