// GRBL 1.1 error and alarm code tables, as readable reasons.
//
// Source of the meanings: gnea/grbl 1.1h doc/csv/error_codes_en_US.csv and
// alarm_codes_en_US.csv (summarised in shared/design/devices.md section 3.2). The wording here is
// our own short form.
#pragma once

#include <string>
#include <string_view>

namespace bciin::grbl {

// The reason for `error:<code>`; "unknown error" for a code GRBL 1.1 does not define.
std::string_view ErrorReason(int code);

// The reason for `ALARM:<code>`; "unknown alarm" for a code GRBL 1.1 does not define.
std::string_view AlarmReason(int code);

// True for alarms after which GRBL blocks until a soft reset (hard and soft limits):
// these print `[MSG:Reset to continue]` and ignore everything but 0x18.
bool IsCriticalAlarm(int code);

// True for alarms after which the machine position is lost (re-home before trusting it).
bool AlarmLosesPosition(int code);

// "error:22 (undefined feed rate)" / "ALARM:1 (hard limit triggered, position lost)".
std::string DescribeError(int code);
std::string DescribeAlarm(int code);

}  // namespace bciin::grbl
