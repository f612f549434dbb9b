/* BCIIN plugin ABI, the C contract between the host (bciin-node) and every plugin.
 *
 * Only C types cross this boundary: fixed-width integers, byte spans, NUL-terminated UTF-8
 * strings, function pointers and opaque handles. No exceptions, no C++ types, and no memory is
 * ever freed on the other side of the boundary from where it was allocated.
 *
 * Versioning rules:
 *  - A plugin exports exactly one entry symbol per ABI major it supports, named
 *    bciin_plugin_entry_v<MAJOR> (BCIIN_PLUGIN_ENTRY_SYMBOL for this header's major).
 *  - The host accepts a plugin whose ABI major equals its own and whose minor is not newer.
 *  - Every struct in this header begins with its own size in bytes and only ever grows at the
 *    end, in a minor release. Readers check `size` before touching a field added later.
 *  - Services are C tables of function pointers identified by versioned string ids such as
 *    "bciin.kv/1". A breaking change to a service is a new id ("bciin.kv/2"), never an edit.
 *
 * Threading: every function in the host table may be called from any thread. Plugin lifecycle
 * functions (create, start, stop, destroy) are called from the host's main thread only.
 */
#ifndef BCIIN_ABI_H
#define BCIIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_ABI_MAJOR 1
#define BCIIN_ABI_MINOR 1

#define BCIIN_ABI_STRINGIFY_(x) #x
#define BCIIN_ABI_STRINGIFY(x) BCIIN_ABI_STRINGIFY_(x)
#define BCIIN_ABI_CONCAT_(a, b) a##b
#define BCIIN_ABI_CONCAT(a, b) BCIIN_ABI_CONCAT_(a, b)

/* The exported entry symbol for this ABI major: bciin_plugin_entry_v1. */
#define BCIIN_PLUGIN_ENTRY BCIIN_ABI_CONCAT(bciin_plugin_entry_v, BCIIN_ABI_MAJOR)
#define BCIIN_PLUGIN_ENTRY_SYMBOL "bciin_plugin_entry_v" BCIIN_ABI_STRINGIFY(BCIIN_ABI_MAJOR)

#if defined(_WIN32)
#define BCIIN_EXPORT __declspec(dllexport)
#else
#define BCIIN_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Errors ---------------------------------------------------------------------------- */

/* Error codes. 0 is success; the rest say what kind of failure, the message says which. */
typedef enum bciin_status_code {
  BCIIN_OK = 0,
  BCIIN_ERR_INVALID_ARGUMENT = 1, /* the caller passed something malformed */
  BCIIN_ERR_NOT_FOUND = 2,        /* a key, service, option or object does not exist */
  BCIIN_ERR_ALREADY_EXISTS = 3,
  BCIIN_ERR_UNSUPPORTED = 4,      /* a feature, version or type this side does not have */
  BCIIN_ERR_IO = 5,               /* a file, port or socket failed */
  BCIIN_ERR_CORRUPTION = 6,       /* stored or received data is inconsistent */
  BCIIN_ERR_BUSY = 7,             /* try again later */
  BCIIN_ERR_TIMEOUT = 8,
  BCIIN_ERR_CANCELLED = 9,
  BCIIN_ERR_REJECTED = 10,        /* valid input refused by a rule (consensus, policy) */
  BCIIN_ERR_RESOURCE = 11,        /* out of memory, gas, space or a configured limit */
  BCIIN_ERR_INTERNAL = 12         /* a bug or an exception caught at the boundary */
} bciin_status_code;

#define BCIIN_ERROR_MESSAGE_MAX 512

/* Filled by the callee on failure. A fixed buffer, so nothing is freed across the boundary.
 * The message is NUL-terminated and truncated to fit. */
typedef struct bciin_error {
  int32_t code; /* a bciin_status_code */
  char message[BCIIN_ERROR_MESSAGE_MAX];
} bciin_error;

/* ---- Plain data ------------------------------------------------------------------------- */

/* A borrowed byte range, valid only for the duration of the call it is passed to. */
typedef struct bciin_span {
  const uint8_t* data;
  size_t size;
} bciin_span;

/* A sink for variable-length results: the callee calls `write` zero or more times; the caller
 * owns the memory behind `context`. Used wherever a function returns bytes of unknown size. */
typedef struct bciin_sink {
  void* context;
  void (*write)(void* context, const uint8_t* data, size_t size);
} bciin_sink;

/* Log levels, from most to least verbose. */
typedef enum bciin_log_level {
  BCIIN_LOG_TRACE = 0,
  BCIIN_LOG_DEBUG = 1,
  BCIIN_LOG_INFO = 2,
  BCIIN_LOG_WARN = 3,
  BCIIN_LOG_ERROR = 4
} bciin_log_level;

/* Every service table begins with this header. `instance` is passed back as the first argument
 * of each of the service's functions. `version` is the service's semantic version
 * ("1.2.0"); its major always equals the number after the '/' in the id. */
typedef struct bciin_service_header {
  uint32_t size;       /* sizeof the whole service table */
  const char* id;      /* e.g. "bciin.kv/1" */
  const char* version; /* e.g. "1.0.0" */
  void* instance;
} bciin_service_header;

/* ---- The host table -------------------------------------------------------------------- */

/* Opaque per-plugin handle the host passes back to itself in every host call. */
typedef struct bciin_host bciin_host;

/* Called for each published event on a subscribed topic, on a host worker thread. The payload
 * is borrowed for the duration of the call. */
typedef void (*bciin_event_fn)(void* user, const char* topic, bciin_span payload);

/* Work posted to the host's thread pool. */
typedef void (*bciin_work_fn)(void* user);

typedef struct bciin_host_api {
  uint32_t size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* host_version;

  /* Writes one log line attributed to the calling plugin. */
  void (*log)(bciin_host* host, int32_t level, const char* message);

  /* Reads option `name` of the calling plugin's own section (its `[plugin-id]` section, or for a
   * device its `[device.NAME]` section). A multi-valued option has values 0..count-1.
   * option_count returns 0 when the option is unset and has no default. option_get writes the
   * value (already checked against the declared type) into `out`; returns BCIIN_OK or
   * BCIIN_ERR_NOT_FOUND. */
  uint32_t (*option_count)(bciin_host* host, const char* name);
  int32_t (*option_get)(bciin_host* host, const char* name, uint32_t index, bciin_sink out);

  /* Finds a service by id whose version is at least `min_version` ("1.0.0"); NULL when none.
   * The returned table lives until the plugin that provides it is destroyed, which the host
   * does only after every plugin that requires it has been stopped and destroyed. */
  const bciin_service_header* (*find_service)(bciin_host* host, const char* id,
                                              const char* min_version);

  /* Publishes an event. Subscribers are called asynchronously on host worker threads; the
   * payload is copied. Topics are dotted names ("chain.block", "device.printer1.state"). */
  int32_t (*publish)(bciin_host* host, const char* topic, bciin_span payload);

  /* Subscribes to a topic, or to every topic under a prefix when `topic` ends in ".*".
   * Returns a non-zero subscription id, or 0 on failure. */
  uint64_t (*subscribe)(bciin_host* host, const char* topic, bciin_event_fn fn, void* user);
  /* After unsubscribe returns, the callback is not running and will not run again. */
  void (*unsubscribe)(bciin_host* host, uint64_t subscription);

  /* Runs `fn(user)` on a host worker thread. Returns BCIIN_OK or BCIIN_ERR_BUSY once the host
   * is shutting down. */
  int32_t (*post)(bciin_host* host, bciin_work_fn fn, void* user);

  /* The node's data directory (absolute path); a plugin keeps its files below it. */
  const char* (*data_dir)(bciin_host* host);
} bciin_host_api;

/* ---- The plugin descriptor ------------------------------------------------------------- */

/* One declared option of a plugin. Types: "string", "int", "uint", "bool", "double", "path".
 * `default_value` is NULL for an option without a default. */
typedef struct bciin_option_decl {
  const char* name;
  const char* type;
  const char* default_value;
  const char* help;
  int32_t multi; /* non-zero: may be given several times */
} bciin_option_decl;

/* A service a plugin provides, with its semantic version. */
typedef struct bciin_provide_decl {
  const char* id;
  const char* version;
} bciin_provide_decl;

/* A requirement: a plugin id or a service id, with a version range such as ">=1.0.0 <2.0.0",
 * "^1.2", "~1.2.3" or "*". */
typedef struct bciin_require_decl {
  const char* id;
  const char* range;
} bciin_require_decl;

typedef struct bciin_plugin_descriptor {
  uint32_t size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* id;      /* lowercase, [a-z0-9-], unique in a node: "storage-leveldb" */
  const char* version; /* semantic version of the plugin */
  const char* kind;    /* "storage", "consensus", "vm", "ledger", "driver", "network", ... */
  const char* description;

  const bciin_provide_decl* provides;
  uint32_t provides_count;
  const bciin_require_decl* requirements;
  uint32_t requirements_count;
  const bciin_option_decl* options;
  uint32_t options_count;

  /* Creates the plugin's instance. Options are readable; services of required plugins are
   * findable (they were created before). Returns NULL and fills `error` on failure. */
  void* (*create)(const bciin_host_api* api, bciin_host* host, bciin_error* error);
  /* Starts work (threads, sockets, timers). Returns BCIIN_OK or an error code. */
  int32_t (*start)(void* instance, bciin_error* error);
  /* Stops all work started by `start`; after it returns no plugin thread touches the host. */
  int32_t (*stop)(void* instance, bciin_error* error);
  /* Frees the instance. Called once, after stop (or instead of it if start never ran). */
  void (*destroy)(void* instance);
  /* Returns one of the services listed in `provides`, or NULL. Valid after create. */
  const bciin_service_header* (*query_service)(void* instance, const char* id);
} bciin_plugin_descriptor;

/* The signature of the exported entry symbol. Must be cheap and side-effect free: the host may
 * call it just to read the descriptor. */
typedef const bciin_plugin_descriptor* (*bciin_plugin_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_ABI_H */
