// Classifies one line received from GRBL 1.1 (without its "\r\n").
//
// Only `ok` and `error:N` answer a streamed line; everything else is a push message outside the
// character count (devices.md section 3.1).
#pragma once

#include "grbl_status.h"

#include <string>
#include <string_view>

namespace bciin::grbl {

struct Reply {
  enum class Kind {
    kEmpty,        // a blank line (the banner starts with one)
    kOk,           // `ok`
    kError,        // `error:N` -> code
    kAlarm,        // `ALARM:N` -> code
    kStatus,       // `<...>` -> status
    kBanner,       // `Grbl 1.1h ['$' for help]` -> text = "1.1h"
    kMessage,      // `[MSG:...]` -> text
    kFeedback,     // any other `[...]`, e.g. `[GC:...]`, `[VER:...]` -> text (inside brackets)
    kSetting,      // `$N=value` -> code = N, text = value
    kStartupLine,  // `>G54G20:ok` -> text (after '>')
    kUnknown,      // anything else (including malformed versions of the above) -> text
  };

  Kind kind = Kind::kUnknown;
  int code = 0;
  std::string text;
  StatusReport status;

  // True for the two replies that retire one streamed line.
  bool IsLineAnswer() const { return kind == Kind::kOk || kind == Kind::kError; }
};

// Never fails: malformed input becomes kUnknown. Trailing '\r' and '\n' are ignored.
Reply ParseReply(std::string_view line);

}  // namespace bciin::grbl
