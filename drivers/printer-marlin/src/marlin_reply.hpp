// Parsing of the lines a Marlin firmware sends (devices.md section 1.3 - 1.6).
//
// ParseReply() classifies one received line: ok (plain, with inline temperatures, or ADVANCED_OK
// "ok N<n> P<p> B<b>"), a resend request in all known spellings, "start" (a board reset), busy
// keep-alives, "wait", errors with their class, temperature reports, M115 identity and "Cap:"
// lines, M114 positions, echo lines. Pure functions, no state: fuzzed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::marlin {

struct Temperature {
  std::string id;  // "T", "T0", "B", "C", ...
  double actual = 0;
  std::optional<double> target;
};

// What a host does about an error line (OctoPrint's classes, devices.md section 1.9).
enum class ErrorClass {
  kNone,
  kRecoverable,  // "no line number with checksum", "missing linenumber": counts as ok
  kResend,       // line number / checksum / format: a "Resend:" follows
  kIgnore,       // SD card trouble, unknown command
  kFatal,        // kill() called, thermal runaway, MAXTEMP, ...: the printer halted
  kOther
};

enum class ReplyKind {
  kOk,
  kResend,
  kStart,        // "start": the board (re)booted
  kBusy,         // "echo:busy: processing" and friends
  kWait,         // "wait" (idle keep-alive)
  kError,
  kTemperature,  // an auto-report or M109/M190 wait line (no ok)
  kFirmwareInfo, // M115's first line
  kCap,          // "Cap:NAME:0|1"
  kPosition,     // M114 "X:.. Y:.. Z:.. E:.."
  kEcho,
  kOther
};

struct Reply {
  ReplyKind kind = ReplyKind::kOther;
  std::optional<int64_t> line;  // the resend line, or N of an advanced ok
  int planner_free = -1;        // P of an advanced ok
  int queue_free = -1;          // B of an advanced ok
  std::vector<Temperature> temperatures;
  ErrorClass error_class = ErrorClass::kNone;
  std::string text;             // the error, busy reason, cap "NAME:1" or echo text
  std::map<std::string, std::string> fields;  // firmware info fields; position axes
};

Reply ParseReply(std::string_view line);

// "Resend: 23", "Resend:N23", "Resend: N:23", "rs 23", "rs N23 expected checksum 109".
std::optional<int64_t> ParseResend(std::string_view line);

// Extracts "<id>:<actual> [/ <target>]" pairs and powers are skipped ("@:", "B@:", "W:").
// Returns false when the line holds no temperature.
bool ParseTemperatures(std::string_view line, std::vector<Temperature>* out);

ErrorClass ClassifyError(std::string_view message);

// Splits M115's first line at each " UPPER_KEY:" (values may hold spaces).
std::map<std::string, std::string> ParseFirmwareInfo(std::string_view line);

// Checksum of a host line: XOR of every byte (devices.md section 1.1).
uint8_t Checksum(std::string_view data);
// "N<n> <payload>*<cs>".
std::string FrameLine(int64_t n, std::string_view payload);

}  // namespace bciin::marlin
