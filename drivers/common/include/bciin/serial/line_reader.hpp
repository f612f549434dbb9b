// bciin::serial::LineReader: line-oriented reading from a file descriptor with timeouts.
//
// Bytes arrive on serial ports and pseudo-terminals in arbitrary chunks; a LineReader buffers
// them and hands out whole lines. Lines end in "\n"; a "\r" before it (GRBL's "\r\n") is
// dropped, and so is a lone "\r" line ending. A line longer than `max_line` bytes is returned
// in pieces of `max_line` bytes, so a peer sending garbage without newlines cannot exhaust
// memory.
//
// Thread safety: none; one thread reads. Writing from another thread through WriteAll() on the
// same descriptor is fine.
#pragma once

#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace bciin::serial {

class LineReader {
 public:
  // Does not own `fd`. `fd` should be non-blocking.
  explicit LineReader(int fd = -1, size_t max_line = 4096) : fd_(fd), max_line_(max_line) {}

  // Points the reader at another descriptor and drops buffered bytes.
  void Reset(int fd) {
    fd_ = fd;
    buffer_.clear();
  }
  int fd() const { return fd_; }

  // Waits up to `timeout` for one complete line and stores it (without its terminator).
  // Returns ok, Timeout when no full line arrived in time, IoError("closed") on end of file,
  // EIO or a hang-up, or IoError for any other failure. A zero timeout only polls.
  Status ReadLine(std::string* line, std::chrono::milliseconds timeout);

  // Reads whatever the descriptor has now without blocking. Returns IoError on EOF/EIO/hang-up.
  Status Fill();

  // Pops one buffered complete line; false when none is buffered.
  bool NextLine(std::string* line);

  // Drops everything buffered (e.g. after a resend request makes it stale).
  void Clear() { buffer_.clear(); }

  size_t buffered_bytes() const { return buffer_.size(); }

 private:
  int fd_;
  size_t max_line_;
  std::string buffer_;
};

// Writes all of `data` to `fd`, waiting up to `timeout` in total for the descriptor to accept it.
// Returns ok, Timeout, or IoError (EIO/EPIPE on a closed peer).
Status WriteAll(int fd, std::string_view data, std::chrono::milliseconds timeout);

// True when errno value `err` means the peer went away (EIO, ENXIO, EPIPE, ENODEV, EBADF).
bool IsDisconnectErrno(int err);

}  // namespace bciin::serial
