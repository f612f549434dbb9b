/* bciin.devices/1: the node's device manager, offered by bciin-node itself to plugins (the HTTP
 * API, the ISA plugin) that operate the machines configured in [device.NAME] sections.
 *
 * One entry point taking an operation name and a JSON request, answering JSON: the device
 * manager's vocabulary grows (new operations, new fields) without changing this table.
 * Operations and their request/reply JSON are listed in docs/driver-guide.md ("Operating
 * devices"); every request but "list" names the device: {"device": "printer1", ...}. */
#ifndef BCIIN_DEVICES_SERVICE_H
#define BCIIN_DEVICES_SERVICE_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_DEVICES_SERVICE_ID "bciin.devices/1"
#define BCIIN_DEVICES_SERVICE_VERSION "1.0.0"

typedef struct bciin_devices_service {
  bciin_service_header header;
  /* Runs `operation` ("list", "status", "describe", "telemetry", "check", "submit",
   * "progress", "pause", "resume", "cancel", "estop", "reset", "console") with the JSON object
   * `request`. On success writes the reply JSON to `reply` and returns BCIIN_OK; otherwise
   * returns the code (NOT_FOUND: no such device or operation; INVALID_ARGUMENT: a malformed
   * request or a refused job, the message naming the line; BUSY; TIMEOUT; ...) with the reason
   * in `error`. */
  int32_t (*call)(void* instance, const char* operation, bciin_span request, bciin_sink reply,
                  bciin_error* error);
} bciin_devices_service;

#ifdef __cplusplus
}
#endif

#endif
