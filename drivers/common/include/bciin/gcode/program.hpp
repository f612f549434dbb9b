// bciin::gcode: parse and validate a G-code program before any of it reaches a machine.
//
// ParseProgram() turns program text into the commands a driver will send, one per non-empty
// line: comments removed (";" to the end of the line, "( ... )" inline), existing "N<n>" line
// numbers and "*<checksum>" suffixes removed (the driver numbers lines itself), whitespace
// trimmed. Every problem becomes an Issue with the 1-based source line and a reason; a program
// with any issue must be refused as a whole, before anything is sent.
//
// The accepted subset (devices.md section 5.1) is G0 G1 G2 G3 G4 G20 G21 G28 G90 G91 G92, M82
// M83 M104 M109 M140 M190 M106 M107, tolerated M73 M84 M117 M201 M203 M204 M205, and T<n>.
// ParseOptions can allow more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::gcode {

// One parameter word: a letter and its number ("X12.5").
struct Word {
  char letter;
  double value;
};

struct Command {
  uint32_t source_line = 0;  // 1-based line in the program text
  std::string text;          // what is sent: "G1 X12.5 Y3 E0.1"
  char letter = 0;           // 'G', 'M' or 'T'
  int code = 0;              // 1 for G1, 104 for M104, tool number for T
  std::vector<Word> words;   // the parameters after the command word (none for M117)

  // True when the command has parameter `letter`; stores its value in `*value` if non-null.
  bool Has(char letter, double* value = nullptr) const;
  // "G1", "M104", "T0".
  std::string Name() const;
};

struct Issue {
  uint32_t source_line = 0;
  std::string reason;
};

struct ParseOptions {
  // Longest command payload accepted. Marlin truncates at 96 bytes including "N<n> " and
  // "*<cs>", GRBL refuses more than 80.
  size_t max_payload = 80;
  // Accept G2/G3.
  bool allow_arcs = true;
  // Accept any G/M code, not only the subset.
  bool allow_any_code = false;
  // Extra codes accepted beyond the subset, as names: {"M400", "G29"}.
  std::vector<std::string> extra_codes;
  // Stop collecting issues after this many (the program is refused anyway).
  size_t max_issues = 100;
};

struct Program {
  std::vector<Command> commands;
  std::vector<Issue> issues;

  bool ok() const { return issues.empty(); }
  // "line 12: arc G2 has neither I/J nor R; line 40: non-ASCII byte 0xc3" (first `max` issues).
  std::string Summary(size_t max = 5) const;
};

Program ParseProgram(std::string_view text, const ParseOptions& options = ParseOptions());

// Strips comments, line numbers, checksums and surrounding spaces from one line. Returns false
// and fills `reason` if the line is malformed (unclosed parenthesis). Exposed for tests.
bool StripLine(std::string_view line, std::string* payload, std::string* reason);

}  // namespace bciin::gcode
