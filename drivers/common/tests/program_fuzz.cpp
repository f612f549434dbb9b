// Fuzz target: ParseProgram and TimeEstimate on arbitrary bytes never crash, and every accepted
// command fits the payload limit and is plain ASCII.
#include <bciin/gcode/estimator.hpp>
#include <bciin/gcode/program.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bciin::gcode::ParseOptions options;
  options.allow_any_code = size % 2 == 0;
  bciin::gcode::Program p = bciin::gcode::ParseProgram(text, options);
  for (const auto& c : p.commands) {
    if (c.text.size() > options.max_payload) std::abort();
    for (char ch : c.text) {
      if (static_cast<unsigned char>(ch) >= 0x80 || ch == '\n') std::abort();
    }
  }
  bciin::gcode::TimeEstimate t(p.commands);
  (void)t.total_seconds();
  (void)p.Summary();
  return 0;
}
