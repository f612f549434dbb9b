/* BPIIoT part-replacement order: a machine owner orders a part from a supplier and pays into
 * the contract; the supplier ships; the owner's receipt releases the payment.
 * init(supplier[32]): the creator is the buyer.
 * call: 'o' part_no: u64 quantity: u64   order (buyer), value = the payment; returns the id
 *       's' id                          shipped (supplier)
 *       'r' id                          received (buyer): the supplier is paid
 *       'c' id                          cancel before shipping (buyer): refunded
 *       '?' id                          returns the order: status, part, quantity, payment[16] */
#include "common.h"

enum { ORDERED = 1, SHIPPED = 2, RECEIVED = 3, CANCELLED = 4 };

typedef struct {
  uint64_t status;
  uint64_t part;
  uint64_t quantity;
  bciin_amount_t payment;
} order_t;

static order_t load(uint64_t id) {
  uint8_t key[9];
  order_t o;
  record_key(key, 'o', id);
  BCIIN_REQUIRE(bciin_storage_get(key, 9, &o, sizeof o) == (int32_t)sizeof o, "no such order");
  return o;
}
static void save(uint64_t id, const order_t* o) {
  uint8_t key[9];
  record_key(key, 'o', id);
  bciin_storage_set(key, 9, o, sizeof *o);
}

BCIIN_EXPORT_AS(init) void init(void) {
  reader_t in = input_reader();
  bciin_address_t supplier, buyer;
  take_address(&in, &supplier);
  bciin_caller(&buyer);
  bciin_storage_set("supplier", 8, supplier.bytes, 32);
  bciin_storage_set("buyer", 5, buyer.bytes, 32);
}

BCIIN_EXPORT_AS(call) void call(void) {
  reader_t in = input_reader();
  uint8_t op = take_u8(&in);
  bciin_address_t caller, buyer, supplier;
  bciin_caller(&caller);
  bciin_storage_get("buyer", 5, buyer.bytes, 32);
  bciin_storage_get("supplier", 8, supplier.bytes, 32);
  const int is_buyer = same_address(&caller, &buyer);
  if (op == 'o') {
    BCIIN_REQUIRE(is_buyer, "only the buyer orders");
    order_t o;
    o.status = ORDERED;
    o.part = take_u64(&in);
    o.quantity = take_u64(&in);
    BCIIN_REQUIRE(o.quantity > 0, "quantity must be positive");
    bciin_value(&o.payment);
    uint64_t id = next_id("orders");
    save(id, &o);
    bciin_emit("ordered", 7, &id, 8);
    bciin_return(&id, 8);
    return;
  }
  uint64_t id = take_u64(&in);
  order_t o = load(id);
  if (op == 's') {
    BCIIN_REQUIRE(same_address(&caller, &supplier) && o.status == ORDERED, "only the supplier ships an order");
    o.status = SHIPPED;
  } else if (op == 'r') {
    BCIIN_REQUIRE(is_buyer && o.status == SHIPPED, "only the buyer receives a shipped order");
    o.status = RECEIVED;
    pay(&supplier, o.payment);
  } else if (op == 'c') {
    BCIIN_REQUIRE(is_buyer && o.status == ORDERED, "only the buyer cancels before shipping");
    o.status = CANCELLED;
    pay(&buyer, o.payment);
  } else if (op == '?') {
    bciin_return(&o, sizeof o);
    return;
  } else {
    bciin_revert("unknown operation");
  }
  save(id, &o);
  bciin_emit("status", 6, &o.status, 8);
}
