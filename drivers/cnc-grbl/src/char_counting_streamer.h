// Character-counting flow control for GRBL's serial receive buffer (devices.md section 3.6).
//
// GRBL answers every streamed line with `ok` or `error:N`, in order. The host keeps the sum of
// (line length + 1 for '\n') over unanswered lines at or under a budget, so the 128-byte RX buffer
// never overflows. The budget is the buffer size less a reserve kept free for realtime bytes
// (`?`, `!`, `~`, 0x18), which GRBL picks out of the stream on arrival but which still pass
// through the same link. Pure bookkeeping: no I/O, not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace bciin::grbl {

class CharCountingStreamer {
 public:
  static constexpr size_t kGrblRxBuffer = 128;
  static constexpr size_t kDefaultReserve = 5;  // as UGS

  // REQUIRES: reserve < capacity.
  explicit CharCountingStreamer(size_t capacity = kGrblRxBuffer, size_t reserve = kDefaultReserve);

  struct InFlight {
    uint64_t tag;   // the caller's id for the line (e.g. its index in the job)
    size_t bytes;   // length including the '\n'
  };

  size_t budget() const { return budget_; }
  // True when a line of `length` characters (without '\n') fits now.
  bool CanSend(size_t length) const { return in_flight_bytes_ + length + 1 <= budget_; }
  // True when such a line could ever fit (length + 1 <= budget).
  bool Fits(size_t length) const { return length + 1 <= budget_; }

  // Records that a line of `length` characters (plus '\n') went out. REQUIRES: CanSend(length).
  void OnSent(uint64_t tag, size_t length);

  // Retires the oldest line on `ok` or `error:N`. Returns it, or nullopt when an answer arrives
  // with nothing in flight (a reply to a line the streamer did not count: the caller's bug or a
  // desynchronised link).
  std::optional<InFlight> OnAnswer();

  // Forgets everything in flight (after a soft reset or an alarm GRBL empties its buffers).
  void Reset();

  size_t in_flight_bytes() const { return in_flight_bytes_; }
  size_t in_flight_lines() const { return in_flight_.size(); }
  bool idle() const { return in_flight_.empty(); }
  // The highest in_flight_bytes() seen since construction.
  size_t max_fill() const { return max_fill_; }

 private:
  size_t budget_;
  size_t in_flight_bytes_ = 0;
  size_t max_fill_ = 0;
  std::deque<InFlight> in_flight_;
};

}  // namespace bciin::grbl
