// Validation of a CNC job for GRBL 1.1, before anything is sent.
//
// Each program line is stripped with the shared G-code rules (bciin::gcode::StripLine: comments,
// existing N line numbers and '*' checksums removed), then checked as GRBL would check it: ASCII
// only, at most 80 characters after GRBL's own filtering, and only words GRBL 1.1 supports.
// System commands ('$...') and block delete ('/') are refused in jobs. A program with any issue
// is refused as a whole.
#pragma once

#include <bciin/sdk/status.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bciin::grbl {

struct JobLine {
  std::string text;          // what is sent (without '\n'): the stripped line
  uint32_t source_line = 0;  // 1-based line in the program
};

// Fills `*lines` and returns ok, or InvalidArgument listing the first problems
// ("line 12: unsupported command G81 (error:20)").
Status PrepareJob(std::string_view program, std::vector<JobLine>* lines);

}  // namespace bciin::grbl
