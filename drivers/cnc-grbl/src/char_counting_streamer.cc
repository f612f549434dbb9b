#include "char_counting_streamer.h"

#include <algorithm>
#include <cassert>

namespace bciin::grbl {

CharCountingStreamer::CharCountingStreamer(size_t capacity, size_t reserve)
    : budget_(capacity > reserve ? capacity - reserve : 1) {}

void CharCountingStreamer::OnSent(uint64_t tag, size_t length) {
  assert(CanSend(length));
  in_flight_.push_back(InFlight{tag, length + 1});
  in_flight_bytes_ += length + 1;
  max_fill_ = std::max(max_fill_, in_flight_bytes_);
}

std::optional<CharCountingStreamer::InFlight> CharCountingStreamer::OnAnswer() {
  if (in_flight_.empty()) return std::nullopt;
  InFlight oldest = in_flight_.front();
  in_flight_.pop_front();
  in_flight_bytes_ -= oldest.bytes;
  return oldest;
}

void CharCountingStreamer::Reset() {
  in_flight_.clear();
  in_flight_bytes_ = 0;
}

}  // namespace bciin::grbl
