// Fuzz target: every Marlin reply parser on arbitrary lines.
#include "marlin_reply.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    bciin::marlin::Reply r = bciin::marlin::ParseReply(line);
    (void)r;
    std::vector<bciin::marlin::Temperature> temps;
    bciin::marlin::ParseTemperatures(line, &temps);
    (void)bciin::marlin::ParseResend(line);
    (void)bciin::marlin::ParseFirmwareInfo(line);
    (void)bciin::marlin::ClassifyError(line);
    start = end + 1;
  }
  return 0;
}
