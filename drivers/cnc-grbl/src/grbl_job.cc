#include "grbl_job.h"

#include "grbl_block.h"
#include "grbl_codes.h"

#include <bciin/gcode/program.hpp>
#include <fmt/format.h>

namespace bciin::grbl {

Status PrepareJob(std::string_view program, std::vector<JobLine>* lines) {
  constexpr size_t kMaxIssues = 5;
  std::vector<std::string> issues;
  size_t issue_count = 0;
  std::vector<JobLine> out;
  uint32_t line_no = 0;
  std::string payload, reason;
  std::vector<BlockWord> words;
  auto issue = [&](std::string text) {
    if (issues.size() < kMaxIssues) issues.push_back(fmt::format("line {}: {}", line_no, text));
    ++issue_count;
  };
  while (!program.empty()) {
    size_t eol = program.find('\n');
    std::string_view raw = program.substr(0, eol);
    program = eol == std::string_view::npos ? std::string_view() : program.substr(eol + 1);
    ++line_no;
    bool bad = false;
    for (char c : raw) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 0x80 || (b < 0x20 && b != '\t' && b != '\r')) {
        issue(fmt::format("non-ASCII or control byte 0x{:02x}", b));
        bad = true;
        break;
      }
    }
    if (bad) continue;
    if (!gcode::StripLine(raw, &payload, &reason)) {
      issue(reason);
      continue;
    }
    if (payload.empty() || payload == "%") continue;
    if (payload[0] == '$') {
      issue("system command '$' is not allowed in a job (use the console)");
      continue;
    }
    if (payload[0] == '/') {
      issue("block delete '/' is not supported by GRBL");
      continue;
    }
    std::string filtered = FilterLine(payload);
    if (filtered.size() > kMaxFilteredLine) {
      issue(fmt::format("{} characters after filtering, GRBL takes at most {} ({})", filtered.size(),
                        kMaxFilteredLine, DescribeError(11)));
      continue;
    }
    int code = ParseBlock(filtered, &words);
    if (code != 0) {
      issue(fmt::format("'{}' would be refused: {}", payload, DescribeError(code)));
      continue;
    }
    out.push_back(JobLine{payload, line_no});
  }
  if (issue_count > 0) {
    std::string summary;
    for (const auto& i : issues) summary += (summary.empty() ? "" : "; ") + i;
    if (issue_count > issues.size()) summary += fmt::format("; and {} more", issue_count - issues.size());
    return Status::InvalidArgument(summary);
  }
  if (out.empty()) return Status::InvalidArgument("the program has no commands");
  *lines = std::move(out);
  return Status::Ok();
}

}  // namespace bciin::grbl
