#include "grbl_status.h"

#include <charconv>
#include <system_error>

namespace bciin::grbl {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, *out);
  return ec == std::errc() && ptr == end;
}

// Splits `text` at `sep` and hands each piece to `fn`; stops and returns false when fn does.
template <typename Fn>
bool ForEachPiece(std::string_view text, char sep, Fn&& fn) {
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    std::string_view piece = text.substr(start, at == std::string_view::npos ? text.npos : at - start);
    if (!fn(piece)) return false;
    if (at == std::string_view::npos) return true;
    start = at + 1;
  }
}

std::optional<Position> ParsePosition(std::string_view text) {
  Position p;
  bool ok = ForEachPiece(text, ',', [&](std::string_view piece) {
    if (p.count >= Position::kMaxAxes) return false;
    return ParseNumber(piece, &p.axis[p.count++]);
  });
  if (!ok || p.count == 0) return std::nullopt;
  return p;
}

bool ParseState(std::string_view text, StatusReport* report) {
  std::string_view name = text;
  size_t colon = text.find(':');
  if (colon != text.npos) {
    name = text.substr(0, colon);
    int sub = 0;
    if (!ParseNumber(text.substr(colon + 1), &sub) || sub < 0 || sub > 9) return false;
    report->substate = sub;
  }
  struct Named {
    std::string_view name;
    MachineState state;
  };
  static constexpr Named kStates[] = {
      {"Idle", MachineState::kIdle},   {"Run", MachineState::kRun},
      {"Hold", MachineState::kHold},   {"Jog", MachineState::kJog},
      {"Alarm", MachineState::kAlarm}, {"Door", MachineState::kDoor},
      {"Check", MachineState::kCheck}, {"Home", MachineState::kHome},
      {"Sleep", MachineState::kSleep},
  };
  for (const Named& n : kStates) {
    if (n.name == name) {
      report->state = n.state;
      return true;
    }
  }
  return false;
}

bool ParseField(std::string_view field, StatusReport* report) {
  size_t colon = field.find(':');
  if (colon == field.npos) return true;  // a bare word from a fork: ignore
  std::string_view key = field.substr(0, colon);
  std::string_view value = field.substr(colon + 1);
  if (key == "MPos" || key == "WPos" || key == "WCO") {
    auto p = ParsePosition(value);
    if (!p) return false;
    (key == "MPos" ? report->mpos : key == "WPos" ? report->wpos : report->wco) = *p;
    return true;
  }
  if (key == "F" || key == "FS") {
    size_t comma = value.find(',');
    double feed = 0;
    if (!ParseNumber(value.substr(0, comma), &feed)) return false;
    report->feed = feed;
    if (comma != value.npos) {
      double rpm = 0;
      if (!ParseNumber(value.substr(comma + 1), &rpm)) return false;
      report->spindle = rpm;
    }
    return true;
  }
  if (key == "Bf") {
    size_t comma = value.find(',');
    if (comma == value.npos) return false;
    int blocks = 0, bytes = 0;
    if (!ParseNumber(value.substr(0, comma), &blocks) || !ParseNumber(value.substr(comma + 1), &bytes))
      return false;
    report->planner_blocks_free = blocks;
    report->rx_bytes_free = bytes;
    return true;
  }
  if (key == "Ln") {
    long n = 0;
    if (!ParseNumber(value, &n)) return false;
    report->line_number = n;
    return true;
  }
  if (key == "Ov") {
    Overrides ov;
    int* slots[] = {&ov.feed, &ov.rapid, &ov.spindle};
    int i = 0;
    bool ok = ForEachPiece(value, ',', [&](std::string_view piece) {
      return i < 3 && ParseNumber(piece, slots[i++]);
    });
    if (!ok || i != 3) return false;
    report->overrides = ov;
    return true;
  }
  if (key == "Pn") {
    report->pins = std::string(value);
    return true;
  }
  if (key == "A") {
    report->accessories = std::string(value);
    return true;
  }
  return true;  // unknown field
}

}  // namespace

std::string_view MachineStateName(MachineState state) {
  switch (state) {
    case MachineState::kIdle: return "Idle";
    case MachineState::kRun: return "Run";
    case MachineState::kHold: return "Hold";
    case MachineState::kJog: return "Jog";
    case MachineState::kAlarm: return "Alarm";
    case MachineState::kDoor: return "Door";
    case MachineState::kCheck: return "Check";
    case MachineState::kHome: return "Home";
    case MachineState::kSleep: return "Sleep";
    case MachineState::kUnknown: break;
  }
  return "Unknown";
}

std::optional<StatusReport> ParseStatusReport(std::string_view line) {
  if (!line.empty() && line.front() == '<') {
    if (line.size() < 2 || line.back() != '>') return std::nullopt;
    line = line.substr(1, line.size() - 2);
  }
  StatusReport report;
  bool first = true;
  bool ok = ForEachPiece(line, '|', [&](std::string_view piece) {
    if (first) {
      first = false;
      return ParseState(piece, &report);
    }
    return ParseField(piece, &report);
  });
  if (!ok) return std::nullopt;
  return report;
}

void PositionTracker::Update(StatusReport* report) {
  if (report->wco) wco_ = report->wco;
  if (!wco_) return;
  const Position& o = *wco_;
  if (report->mpos && !report->wpos) {
    Position w = *report->mpos;
    for (int i = 0; i < w.count && i < o.count; ++i) w.axis[i] -= o.axis[i];
    report->wpos = w;
  } else if (report->wpos && !report->mpos) {
    Position m = *report->wpos;
    for (int i = 0; i < m.count && i < o.count; ++i) m.axis[i] += o.axis[i];
    report->mpos = m;
  }
}

}  // namespace bciin::grbl
