/* hello.clock/1: the service the hello-c sample provides. A service's header is the contract
 * its provider publishes: plain C, starting with bciin_service_header, growing only at the end. */
#ifndef HELLO_CLOCK_H
#define HELLO_CLOCK_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HELLO_CLOCK_SERVICE_ID "hello.clock/1"

typedef struct hello_clock_service {
  bciin_service_header header;
  /* Ticks counted since start; one tick every `tick-ms` milliseconds. */
  uint64_t (*ticks)(void* instance);
  /* The configured tick length in milliseconds. */
  uint32_t (*tick_ms)(void* instance);
} hello_clock_service;

#ifdef __cplusplus
}
#endif

#endif
