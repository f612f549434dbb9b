// bciin::serial::SerialPort: a real serial port (or the slave side of a pseudo-terminal) opened
// raw, 8 data bits, no parity, 1 stop bit, no flow control, at any baud rate Linux accepts
// (standard rates through termios, others such as 250000 through termios2/BOTHER).
//
// Open() takes the port exclusively (TIOCEXCL and a non-blocking flock) so that a second node
// or ModemManager cannot interleave bytes. The descriptor is non-blocking; use ReadLine/Write.
#pragma once

#include <bciin/serial/line_reader.hpp>
#include <bciin/sdk/status.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace bciin::serial {

struct PortSettings {
  uint32_t baud = 115200;
  // Take the port exclusively (TIOCEXCL + flock). Off only for diagnostics.
  bool exclusive = true;
  // Clear HUPCL so that closing the port does not drop DTR (which resets many boards).
  bool keep_dtr_on_close = true;
  // Drop bytes that arrived before the open (stale replies from a previous session).
  bool flush_on_open = true;
};

class SerialPort {
 public:
  // Opens `path` with `settings`. On failure returns IoError/InvalidArgument naming the path.
  static Status Open(const std::string& path, const PortSettings& settings,
                     std::unique_ptr<SerialPort>* out);

  ~SerialPort();
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool is_open() const { return fd_ >= 0; }

  // Writes all bytes within `timeout`. IoError("closed") when the device went away.
  Status Write(std::string_view data,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  // Reads one line (see LineReader::ReadLine).
  Status ReadLine(std::string* line, std::chrono::milliseconds timeout) {
    return reader_.ReadLine(line, timeout);
  }
  LineReader& reader() { return reader_; }

  // Closes the descriptor (idempotent).
  void Close();

 private:
  SerialPort(std::string path, int fd) : path_(std::move(path)), fd_(fd), reader_(fd) {}

  std::string path_;
  int fd_;
  LineReader reader_;
};

// Sets the port's speed, using termios2 for rates without a Bxxx constant. Exposed for tests.
Status SetBaudRate(int fd, uint32_t baud);
// Reads the port's current output speed back (0 when unknown).
uint32_t GetBaudRate(int fd);

}  // namespace bciin::serial
