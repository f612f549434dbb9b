/* BCIIN device service "bciin.device-driver/1": the C contract between the host's device
 * manager and a device driver plugin (3D printer, CNC machine, sensor, ...).
 *
 * A driver plugin provides this service. The host opens one device per [device.NAME] section of
 * the configuration with `open`, passing the section's port, baud rate and other options, and a
 * listener that receives state changes, job progress, telemetry and console lines. Everything
 * else is a function of the returned device handle.
 *
 * Rules (the same as abi.h):
 *  - Only C types. Strings are NUL-terminated UTF-8; borrowed for the duration of the call.
 *  - Every struct begins with its own size in bytes and only grows at the end. A caller sets
 *    `size` of an output struct before the call; the driver fills only fields that fit.
 *  - Functions return a bciin_status_code and fill `error` on failure. They may block for a
 *    short time (a write to the port) but never for the length of a job.
 *  - The listener's functions are called on driver threads, never concurrently with each other
 *    for one device, and never after `close` has returned. They must not call `close`.
 *
 * A C++ driver derives from bciin::sdk::Device and bciin::sdk::DeviceDriver
 * (<bciin/sdk/device.hpp>) instead of filling these tables by hand.
 */
#ifndef BCIIN_DEVICE_H
#define BCIIN_DEVICE_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_DEVICE_DRIVER_SERVICE_ID "bciin.device-driver/1"
#define BCIIN_DEVICE_DRIVER_SERVICE_VERSION "1.0.0"

/* An open device; owned by the driver, valid from `open` until `close`. */
typedef struct bciin_device bciin_device;

/* The state of the machine as the driver sees it. */
typedef enum bciin_device_state {
  BCIIN_DEVICE_DISCONNECTED = 0, /* the port is closed or was lost; the driver reconnects */
  BCIIN_DEVICE_CONNECTING = 1,   /* the port is open and the handshake runs */
  BCIIN_DEVICE_IDLE = 2,         /* ready for a job */
  BCIIN_DEVICE_RUNNING = 3,      /* a job runs */
  BCIIN_DEVICE_PAUSED = 4,       /* a job is paused (by the operator or by a lost connection) */
  BCIIN_DEVICE_ERROR = 5,        /* the firmware reported a fatal error; needs a reset */
  BCIIN_DEVICE_STOPPED = 6,      /* emergency-stopped; needs a reset before the next job */
  BCIIN_DEVICE_OFFLINE = 7       /* no answer; considered dead until it answers again */
} bciin_device_state;

typedef enum bciin_job_state {
  BCIIN_JOB_NONE = 0,
  BCIIN_JOB_RUNNING = 1,
  BCIIN_JOB_PAUSED = 2,
  BCIIN_JOB_COMPLETED = 3,
  BCIIN_JOB_CANCELLED = 4,
  BCIIN_JOB_FAILED = 5
} bciin_job_state;

/* Capability bits of bciin_device_info.capabilities. */
#define BCIIN_DEVICE_CAP_JOBS (1ull << 0)           /* runs programs (submit_job) */
#define BCIIN_DEVICE_CAP_PAUSE (1ull << 1)          /* pause and resume */
#define BCIIN_DEVICE_CAP_EMERGENCY_STOP (1ull << 2) /* a protocol-level emergency stop */
#define BCIIN_DEVICE_CAP_TELEMETRY (1ull << 3)
#define BCIIN_DEVICE_CAP_CONSOLE (1ull << 4)        /* raw console lines */
#define BCIIN_DEVICE_CAP_TEMPERATURE (1ull << 5)    /* heaters and thermometers */
#define BCIIN_DEVICE_CAP_MOTION (1ull << 6)         /* axes */
#define BCIIN_DEVICE_CAP_ARCS (1ull << 7)           /* G2/G3 */
#define BCIIN_DEVICE_CAP_INSTANT_STOP (1ull << 8)   /* stop acts on arrival (emergency parser) */

/* A key and a value, for options and job parameters. */
typedef struct bciin_device_kv {
  const char* key;
  const char* value;
} bciin_device_kv;

/* What `open` receives: the [device.NAME] section. */
typedef struct bciin_device_config {
  uint32_t size;
  const char* name;      /* the NAME of [device.NAME], e.g. "printer1" */
  const char* port;      /* "/dev/serial/by-id/usb-...", a pty link, or "" for none */
  uint32_t baud;         /* 0 = the driver's default */
  const bciin_device_kv* options; /* every other key of the section, as text */
  uint32_t options_count;
} bciin_device_config;

typedef struct bciin_device_info {
  uint32_t size;
  char model[128];          /* "3D Printer" (MACHINE_TYPE) */
  char firmware[128];       /* "Marlin 2.1.3 (Aug  1 2024 12:00:00)" */
  char protocol[64];        /* "marlin/1.0" */
  uint64_t capabilities;    /* BCIIN_DEVICE_CAP_* */
  char firmware_caps[1024]; /* as reported, "AUTOREPORT_TEMP:1,EMERGENCY_PARSER:1,..." */
} bciin_device_info;

typedef struct bciin_device_status {
  uint32_t size;
  int32_t state;       /* bciin_device_state */
  uint64_t job_id;     /* the current or last job; 0 when none */
  uint64_t reconnects; /* connections lost and made again since open */
  char message[256];   /* why the state is what it is: "connection lost at line 4012" */
} bciin_device_status;

/* A job: a program (G-code text for printers and CNC) run `copies` times. */
typedef struct bciin_job_spec {
  uint32_t size;
  const char* name;      /* for logs and the record, e.g. the file name */
  bciin_span program;
  const bciin_device_kv* params; /* driver-specific, e.g. {"material", "PLA"} */
  uint32_t params_count;
  uint32_t copies;       /* 0 means 1 */
} bciin_job_spec;

typedef struct bciin_job_progress {
  uint32_t size;
  uint64_t job_id;
  int32_t state;          /* bciin_job_state */
  uint32_t copies;
  uint32_t copy;          /* the copy running now, 1-based */
  uint64_t lines_total;   /* commands per copy */
  uint64_t lines_done;    /* commands of this copy acknowledged by the device */
  uint32_t source_line;   /* program line of the next command to run */
  int64_t elapsed_ms;
  int64_t remaining_ms;   /* estimate for all remaining copies; -1 when unknown */
  char message[256];      /* "paused: connection lost", "failed: Thermal Runaway" */
} bciin_job_progress;

typedef enum bciin_telemetry_type {
  BCIIN_TELEMETRY_NUMBER = 0,
  BCIIN_TELEMETRY_INTEGER = 1,
  BCIIN_TELEMETRY_BOOL = 2,
  BCIIN_TELEMETRY_TEXT = 3
} bciin_telemetry_type;

/* One measured value. Names are dotted ("hotend0.temperature", "bed.target"); units are UCUM
 * codes ("Cel", "mm", "%", "1" for dimensionless). */
typedef struct bciin_telemetry_value {
  uint32_t size;
  const char* name;
  const char* unit;
  int32_t type;         /* bciin_telemetry_type */
  double number;        /* NUMBER */
  int64_t integer;      /* INTEGER; BOOL as 0/1 */
  const char* text;     /* TEXT */
  int64_t timestamp_us; /* Unix time in microseconds */
} bciin_telemetry_value;

#define BCIIN_CONSOLE_RECEIVED 0 /* a line from the device */
#define BCIIN_CONSOLE_SENT 1     /* a line to the device */

typedef struct bciin_device_listener {
  uint32_t size;
  void* user;
  void (*on_state)(void* user, const bciin_device_status* status);
  void (*on_progress)(void* user, const bciin_job_progress* progress);
  void (*on_telemetry)(void* user, const bciin_telemetry_value* values, uint32_t count);
  void (*on_console)(void* user, int32_t direction, const char* line);
} bciin_device_listener;

typedef struct bciin_device_driver_service {
  bciin_service_header header; /* id BCIIN_DEVICE_DRIVER_SERVICE_ID */

  /* Opens the device: checks the options, opens the port and starts connecting in the
   * background (the handshake's outcome arrives as a state change). The listener struct is
   * copied; `listener->user` must outlive the device. */
  int32_t (*open)(void* instance, const bciin_device_config* config,
                  const bciin_device_listener* listener, bciin_device** out, bciin_error* error);
  /* Stops the device's threads and closes the port. No callback runs after it returns. */
  void (*close)(bciin_device* device);

  int32_t (*describe)(bciin_device* device, bciin_device_info* out, bciin_error* error);
  int32_t (*get_status)(bciin_device* device, bciin_device_status* out, bciin_error* error);

  /* Validates a job without running it. INVALID_ARGUMENT with the first problems
   * ("line 12: arc G2 has neither I/J nor R") when the program is refused. */
  int32_t (*check_job)(bciin_device* device, const bciin_job_spec* job, bciin_error* error);
  /* Validates and starts a job; nothing is sent when validation fails. BUSY when a job runs. */
  int32_t (*submit_job)(bciin_device* device, const bciin_job_spec* job, uint64_t* job_id,
                        bciin_error* error);
  int32_t (*pause)(bciin_device* device, bciin_error* error);
  /* Resumes a paused job, also one paused by a lost connection once the device is back. */
  int32_t (*resume)(bciin_device* device, bciin_error* error);
  int32_t (*cancel)(bciin_device* device, bciin_error* error);
  /* Stops the machine now by protocol (not a safety-rated stop). Returns once sent. */
  int32_t (*emergency_stop)(bciin_device* device, bciin_error* error);
  /* Re-initialises the device after an error or an emergency stop (reconnect + handshake). */
  int32_t (*reset)(bciin_device* device, bciin_error* error);
  int32_t (*get_progress)(bciin_device* device, bciin_job_progress* out, bciin_error* error);

  /* Sends one raw line (without newline) as the operator typed it; replies arrive through
   * the listener's on_console. BUSY while a job runs unless the driver can interleave. */
  int32_t (*console_send)(bciin_device* device, const char* line, bciin_error* error);
} bciin_device_driver_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_DEVICE_H */
