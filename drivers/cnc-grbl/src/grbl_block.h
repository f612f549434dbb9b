// GRBL 1.1's view of one G-code block: filtering and word checks, shared by the job validator
// (refuse before sending) and the simulator (answer as GRBL would).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace bciin::grbl {

// GRBL's line buffer limit after filtering (devices.md 3.1); more gives error:11.
inline constexpr size_t kMaxFilteredLine = 80;

struct BlockWord {
  char letter;
  double value;
};

// Filters a line as GRBL's protocol layer does: drops spaces and control characters, '( ... )'
// and ';' comments, and upcases letters.
std::string FilterLine(std::string_view line);

// Splits a filtered line into words and checks them against GRBL 1.1's supported set.
// Returns 0, or the GRBL error code GRBL would answer: 1 (expected command letter),
// 2 (bad number format), 20 (unsupported command), 25 (repeated word), 11 (line overflow).
int ParseBlock(std::string_view filtered, std::vector<BlockWord>* words);

}  // namespace bciin::grbl
