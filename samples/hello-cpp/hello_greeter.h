/* hello.greeter/1: the service the hello-cpp sample provides. */
#ifndef HELLO_GREETER_H
#define HELLO_GREETER_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HELLO_GREETER_SERVICE_ID "hello.greeter/1"

typedef struct hello_greeter_service {
  bciin_service_header header;
  /* Writes "<greeting>, <name>" into `out`. */
  int32_t (*greet)(void* instance, const char* name, bciin_sink out);
} hello_greeter_service;

#ifdef __cplusplus
}
#endif

#endif
