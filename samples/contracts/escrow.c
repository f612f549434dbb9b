/* Escrow for one manufacturing job.
 * init(machine_owner[32], price[16], deadline_ms: u64): the creator is the customer.
 * call: 'p'  pay in: the customer sends exactly `price` as the call's value
 *       'c'  confirm the job done (customer only): the machine owner is paid
 *       'r'  refund (anyone) once the block time is past the deadline and the job unconfirmed
 *       '?'  returns the state: 0 created, 1 funded, 2 paid out, 3 refunded */
#include "common.h"

enum { CREATED = 0, FUNDED = 1, PAID = 2, REFUNDED = 3 };

static bciin_address_t load(const char* key) {
  bciin_address_t a;
  BCIIN_REQUIRE(bciin_storage_get(key, bciin_strlen(key), a.bytes, 32) == 32, "not initialised");
  return a;
}
static bciin_amount_t price(void) {
  bciin_amount_t p = 0;
  bciin_storage_get("price", 5, &p, sizeof p);
  return p;
}

BCIIN_EXPORT_AS(init) void init(void) {
  reader_t in = input_reader();
  bciin_address_t owner, customer;
  take_address(&in, &owner);
  bciin_amount_t p = take_amount(&in);
  uint64_t deadline = take_u64(&in);
  bciin_caller(&customer);
  bciin_storage_set("owner", 5, owner.bytes, 32);
  bciin_storage_set("customer", 8, customer.bytes, 32);
  bciin_storage_set("price", 5, &p, sizeof p);
  bciin_set_u64("deadline", deadline);
  bciin_set_u64("state", CREATED);
}

BCIIN_EXPORT_AS(call) void call(void) {
  reader_t in = input_reader();
  uint8_t op = take_u8(&in);
  uint64_t state;
  bciin_get_u64("state", &state);
  bciin_address_t caller, customer = load("customer");
  bciin_caller(&caller);
  bciin_amount_t value;
  bciin_value(&value);
  if (op != 'p') BCIIN_REQUIRE(value == 0, "this operation takes no value");
  if (op == 'p') {
    BCIIN_REQUIRE(state == CREATED, "already paid in");
    BCIIN_REQUIRE(same_address(&caller, &customer), "only the customer pays in");
    BCIIN_REQUIRE(value == price(), "pay exactly the price");
    bciin_set_u64("state", FUNDED);
    bciin_emit("funded", 6, &value, sizeof value);
  } else if (op == 'c') {
    BCIIN_REQUIRE(state == FUNDED, "not funded");
    BCIIN_REQUIRE(same_address(&caller, &customer), "only the customer confirms");
    bciin_address_t owner = load("owner");
    bciin_set_u64("state", PAID);
    pay(&owner, price());
    bciin_emit("paid", 4, owner.bytes, 32);
  } else if (op == 'r') {
    BCIIN_REQUIRE(state == FUNDED, "not funded");
    uint64_t deadline;
    bciin_get_u64("deadline", &deadline);
    BCIIN_REQUIRE(bciin_block_time() > deadline, "the deadline has not passed");
    bciin_set_u64("state", REFUNDED);
    pay(&customer, price());
    bciin_emit("refunded", 8, customer.bytes, 32);
  } else if (op == '?') {
    bciin_return(&state, sizeof state);
  } else {
    bciin_revert("unknown operation");
  }
}
