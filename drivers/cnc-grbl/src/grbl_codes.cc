#include "grbl_codes.h"

#include <fmt/format.h>

#include <array>

namespace bciin::grbl {
namespace {

struct Entry {
  int code;
  std::string_view reason;
};

constexpr std::array kErrors{
    Entry{1, "expected command letter"},
    Entry{2, "bad number format"},
    Entry{3, "invalid '$' statement"},
    Entry{4, "negative value"},
    Entry{5, "homing not enabled"},
    Entry{6, "step pulse shorter than 3 us"},
    Entry{7, "EEPROM read failed, defaults restored"},
    Entry{8, "'$' command needs the machine idle"},
    Entry{9, "G-code locked out during alarm or jog"},
    Entry{10, "soft limits need homing enabled"},
    Entry{11, "line overflow (more than 80 characters)"},
    Entry{12, "step rate above 30 kHz"},
    Entry{13, "safety door open"},
    Entry{14, "line too long for EEPROM storage"},
    Entry{15, "jog travel exceeds machine limits"},
    Entry{16, "invalid jog command"},
    Entry{17, "laser mode needs PWM output"},
    Entry{20, "unsupported or invalid G-code command"},
    Entry{21, "more than one command of a modal group"},
    Entry{22, "feed rate undefined"},
    Entry{23, "command needs an integer value"},
    Entry{24, "two commands need axis words"},
    Entry{25, "repeated word in a block"},
    Entry{26, "no axis words where the command needs them"},
    Entry{27, "line number out of range"},
    Entry{28, "missing value word"},
    Entry{29, "G59.x work coordinate systems unsupported"},
    Entry{30, "G53 needs G0 or G1 motion"},
    Entry{31, "axis words unused by any command"},
    Entry{32, "G2/G3 arc without an in-plane axis word"},
    Entry{33, "invalid motion target"},
    Entry{34, "invalid arc radius"},
    Entry{35, "G2/G3 arc without an in-plane offset word"},
    Entry{36, "unused value words"},
    Entry{37, "G43.1 tool length offset on the wrong axis"},
    Entry{38, "tool number above the maximum"},
};

constexpr std::array kAlarms{
    Entry{1, "hard limit triggered, position lost"},
    Entry{2, "soft limit: target beyond machine travel, position kept"},
    Entry{3, "reset while in motion, position lost"},
    Entry{4, "probe not in the expected initial state"},
    Entry{5, "probe made no contact"},
    Entry{6, "homing failed: reset during the cycle"},
    Entry{7, "homing failed: safety door opened"},
    Entry{8, "homing failed: pull-off did not clear the switch"},
    Entry{9, "homing failed: switch not found"},
    Entry{10, "homing failed: dual-axis switch not found"},
};

template <size_t N>
std::string_view Find(const std::array<Entry, N>& table, int code, std::string_view fallback) {
  for (const Entry& e : table)
    if (e.code == code) return e.reason;
  return fallback;
}

}  // namespace

std::string_view ErrorReason(int code) { return Find(kErrors, code, "unknown error"); }
std::string_view AlarmReason(int code) { return Find(kAlarms, code, "unknown alarm"); }

bool IsCriticalAlarm(int code) { return code == 1 || code == 2; }
bool AlarmLosesPosition(int code) { return code == 1 || code == 3 || (code >= 6 && code <= 10); }

std::string DescribeError(int code) { return fmt::format("error:{} ({})", code, ErrorReason(code)); }
std::string DescribeAlarm(int code) { return fmt::format("ALARM:{} ({})", code, AlarmReason(code)); }

}  // namespace bciin::grbl
