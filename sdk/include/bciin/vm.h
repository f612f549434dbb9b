/* bciin.vm/1: the BCIIN VM as a service (plugins/vm-wasm, docs/vm.md, docs/contracts.md).
 *
 * Code is addressed by its hash (Blake2b-256 of the WebAssembly bytes). deploy() decodes,
 * validates and translates a module once and keeps it in the VM's cache; the other calls name
 * the code by that hash (BCIIN_ERR_NOT_FOUND when it is not cached: deploy it again).
 *
 *   call        runs an export of a contract off chain, with the contract host interface but no
 *               chain: input is `input`, the output is what the contract returned; storage reads
 *               find nothing and anything that would change the chain traps. For queries/tests.
 *   pure_call   the pure-function mode for state channels: (state, input) -> new state, no
 *               imports at all (docs/vm.md, "Pure-function mode").
 *
 * Both are metered: `gas_limit` bounds the run, `*gas_used` receives what it used (also on
 * failure). A trap, a revert or out of gas is BCIIN_ERR_REJECTED (out of gas:
 * BCIIN_ERR_RESOURCE) with the reason in `error`. Thread-safe.
 */
#ifndef BCIIN_VM_H
#define BCIIN_VM_H

#include <bciin/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BCIIN_VM_SERVICE_ID "bciin.vm/1"
#define BCIIN_VM_SERVICE_VERSION "1.0.0"

typedef struct bciin_vm_service {
  bciin_service_header header; /* id BCIIN_VM_SERVICE_ID */
  /* Compiles `code` (refused with the reason when malformed, invalid or unsupported) and caches
   * it; `code_hash` receives its hash. */
  int32_t (*deploy)(void* instance, bciin_span code, uint8_t code_hash[32], bciin_error* error);
  /* Runs export `function` (type () -> (), the contract calling convention) of cached code. */
  int32_t (*call)(void* instance, const uint8_t code_hash[32], const char* function,
                  bciin_span input, uint64_t gas_limit, bciin_sink output, uint64_t* gas_used,
                  bciin_error* error);
  /* Pure-function mode: `function`(state, input) of cached code; `new_state` receives the result. */
  int32_t (*pure_call)(void* instance, const uint8_t code_hash[32], const char* function,
                       bciin_span state, bciin_span input, uint64_t gas_limit,
                       bciin_sink new_state, uint64_t* gas_used, bciin_error* error);
} bciin_vm_service;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* BCIIN_VM_H */
