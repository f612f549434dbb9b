#include <bciin/serial/pty.hpp>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace bciin::serial {

namespace {
Status Errno(const char* what) {
  return Status::IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}
}  // namespace

Status PseudoTerminal::Create(const std::string& link_path, std::unique_ptr<PseudoTerminal>* out) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return Errno("posix_openpt");
  auto fail = [&](Status s) {
    ::close(master);
    return s;
  };
  if (::grantpt(master) != 0) return fail(Errno("grantpt"));
  if (::unlockpt(master) != 0) return fail(Errno("unlockpt"));
  char name[128];
  if (::ptsname_r(master, name, sizeof(name)) != 0) return fail(Errno("ptsname"));

  // A new pty is cooked (echo, canonical, \n -> \r\n). Make both sides raw; the slave's
  // settings belong to the pty and survive this descriptor.
  termios tio{};
  if (::tcgetattr(master, &tio) == 0) {
    cfmakeraw(&tio);
    ::tcsetattr(master, TCSANOW, &tio);
  }
  int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return fail(Errno("open pty slave"));
  if (::tcgetattr(slave, &tio) == 0) {
    cfmakeraw(&tio);
    tio.c_cflag &= ~static_cast<tcflag_t>(HUPCL);
    ::tcsetattr(slave, TCSANOW, &tio);
  }
  ::close(slave);

  int flags = ::fcntl(master, F_GETFL);
  ::fcntl(master, F_SETFL, flags | O_NONBLOCK);

  if (!link_path.empty()) {
    std::error_code ec;
    std::filesystem::path link(link_path);
    if (link.has_parent_path()) std::filesystem::create_directories(link.parent_path(), ec);
    std::filesystem::remove(link, ec);
    std::filesystem::create_symlink(name, link, ec);
    if (ec) return fail(Status::IoError(fmt::format("symlink {} -> {}: {}", link_path, name, ec.message())));
  }
  out->reset(new PseudoTerminal(master, name, link_path));
  return Status::Ok();
}

PseudoTerminal::~PseudoTerminal() { Close(); }

void PseudoTerminal::Close() {
  if (master_ >= 0) {
    if (!link_path_.empty()) {
      // Only remove the link if it still points at our slave (a successor may own it now).
      std::error_code ec;
      auto target = std::filesystem::read_symlink(link_path_, ec);
      if (!ec && target == slave_path_) std::filesystem::remove(link_path_, ec);
    }
    ::close(master_);
    master_ = -1;
  }
}

bool PseudoTerminal::PeerConnected() const {
  if (master_ < 0) return false;
  pollfd p{master_, 0, 0};
  if (::poll(&p, 1, 0) < 0) return false;
  return (p.revents & POLLHUP) == 0;
}

}  // namespace bciin::serial
