// bciin::serial::PseudoTerminal: the master side of a pseudo-terminal, for device simulators.
//
// Create() makes a raw pty (no echo, no newline mapping, either side) and, when asked, a
// symlink at a stable path pointing at the slave ("/tmp/bciin/ttyMARLIN" -> "/dev/pts/7") so
// that a driver can be configured with a fixed port. The destructor closes the master (the
// peer's reads then fail with EIO, as when a USB cable is pulled) and removes the symlink.
#pragma once

#include <bciin/sdk/status.hpp>

#include <memory>
#include <string>

namespace bciin::serial {

class PseudoTerminal {
 public:
  // Creates the pty; `link_path` may be empty (no symlink). An existing file or link at
  // `link_path` is replaced. The master descriptor is non-blocking.
  static Status Create(const std::string& link_path, std::unique_ptr<PseudoTerminal>* out);

  ~PseudoTerminal();
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  int master_fd() const { return master_; }
  // "/dev/pts/N".
  const std::string& slave_path() const { return slave_path_; }
  // The stable symlink, or empty.
  const std::string& link_path() const { return link_path_; }
  // The path a driver should open: the link when there is one, else the slave.
  const std::string& port_path() const { return link_path_.empty() ? slave_path_ : link_path_; }

  // True while some process has the slave side open. While nobody has, poll() reports POLLHUP
  // on the master and master reads fail with EIO; so simulators poll this on a timer.
  bool PeerConnected() const;

  // Closes the master and removes the link now (what the destructor does).
  void Close();

 private:
  PseudoTerminal(int master, std::string slave, std::string link)
      : master_(master), slave_path_(std::move(slave)), link_path_(std::move(link)) {}

  int master_;
  std::string slave_path_;
  std::string link_path_;
};

}  // namespace bciin::serial
