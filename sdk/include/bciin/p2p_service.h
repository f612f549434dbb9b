/* bciin.p2p/1: what the p2p plugin tells other plugins (the API) about its peers.
 *
 * Thread-safe; every function may be called from any thread once the p2p plugin is created. */
#ifndef BCIIN_P2P_SERVICE_H
#define BCIIN_P2P_SERVICE_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_P2P_SERVICE_ID "bciin.p2p/1"
#define BCIIN_P2P_SERVICE_VERSION "1.0.0"

typedef struct bciin_p2p_service {
  bciin_service_header header; /* id BCIIN_P2P_SERVICE_ID */

  /* Writes a JSON array, one object per connected or known peer:
   * {"address": "127.0.0.1:7001", "outbound": true, "state": "active", "height": 12,
   *  "score": 0, "banned_until_ms": 0} */
  int32_t (*peers_json)(void* instance, bciin_sink out);

  /* Dials `address` ("host:port") now and keeps it among the configured peers. */
  int32_t (*connect)(void* instance, const char* address, bciin_error* error);
} bciin_p2p_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_P2P_SERVICE_H */
