/* bciin.node-info/1: facts about the running node that only the host knows, for the API.
 * Provided by bciin-node's built-in `chain` component. Thread-safe. */
#ifndef BCIIN_NODE_INFO_H
#define BCIIN_NODE_INFO_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_NODE_INFO_SERVICE_ID "bciin.node-info/1"
#define BCIIN_NODE_INFO_SERVICE_VERSION "1.0.0"

typedef struct bciin_node_info_service {
  bciin_service_header header; /* id BCIIN_NODE_INFO_SERVICE_ID */
  /* Writes a JSON array of the loaded plugins in start order: [{"id": "storage-leveldb"}, ...] */
  int32_t (*plugins_json)(void* instance, bciin_sink out);
} bciin_node_info_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_NODE_INFO_H */
