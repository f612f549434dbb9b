/* BPIIoT machine-service request: a machine's owner asks for service, a technician takes the
 * request and is paid the fee held by the contract once the owner confirms the service.
 * init(machine_id: u64): the creator is the machine owner.
 * call: 'n' [description...]  new request (owner only), value = the fee; returns its id (u64)
 *       'a' id                 accept (any technician, while open)
 *       'd' id                 mark done (the accepting technician)
 *       'c' id                 confirm (owner): the technician is paid
 *       'x' id                 cancel (owner, while open): the fee comes back
 *       '?' id                 returns the request: status u64, fee[16], technician[32] */
#include "common.h"

enum { OPEN = 1, ACCEPTED = 2, DONE = 3, CONFIRMED = 4, CANCELLED = 5 };

typedef struct {
  uint64_t status;
  bciin_amount_t fee;
  bciin_address_t technician;
} request_t;

static request_t load(uint64_t id) {
  uint8_t key[9];
  request_t r;
  record_key(key, 'r', id);
  BCIIN_REQUIRE(bciin_storage_get(key, 9, &r, sizeof r) == (int32_t)sizeof r, "no such request");
  return r;
}
static void save(uint64_t id, const request_t* r) {
  uint8_t key[9];
  record_key(key, 'r', id);
  bciin_storage_set(key, 9, r, sizeof *r);
}

BCIIN_EXPORT_AS(init) void init(void) {
  reader_t in = input_reader();
  bciin_set_u64("machine", take_u64(&in));
  bciin_address_t owner;
  bciin_caller(&owner);
  bciin_storage_set("owner", 5, owner.bytes, 32);
}

BCIIN_EXPORT_AS(call) void call(void) {
  reader_t in = input_reader();
  uint8_t op = take_u8(&in);
  bciin_address_t caller, owner;
  bciin_caller(&caller);
  bciin_storage_get("owner", 5, owner.bytes, 32);
  const int is_owner = same_address(&caller, &owner);
  if (op == 'n') {
    BCIIN_REQUIRE(is_owner, "only the machine owner requests service");
    request_t r = {OPEN, 0, {{0}}};
    bciin_value(&r.fee);
    uint64_t id = next_id("requests");
    save(id, &r);
    uint8_t key[9];
    record_key(key, 'd', id);
    if (in.left > 0) bciin_storage_set(key, 9, in.p, in.left);
    bciin_emit("requested", 9, &id, 8);
    bciin_return(&id, 8);
    return;
  }
  uint64_t id = take_u64(&in);
  request_t r = load(id);
  if (op == 'a') {
    BCIIN_REQUIRE(r.status == OPEN, "not open");
    r.status = ACCEPTED;
    r.technician = caller;
  } else if (op == 'd') {
    BCIIN_REQUIRE(r.status == ACCEPTED && same_address(&caller, &r.technician), "not your accepted request");
    r.status = DONE;
  } else if (op == 'c') {
    BCIIN_REQUIRE(is_owner && r.status == DONE, "only the owner confirms a done request");
    r.status = CONFIRMED;
    pay(&r.technician, r.fee);
  } else if (op == 'x') {
    BCIIN_REQUIRE(is_owner && r.status == OPEN, "only the owner cancels an open request");
    r.status = CANCELLED;
    pay(&owner, r.fee);
  } else if (op == '?') {
    bciin_return(&r, sizeof r);
    return;
  } else {
    bciin_revert("unknown operation");
  }
  save(id, &r);
  bciin_emit("status", 6, &r.status, 8);
}
