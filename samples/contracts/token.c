/* A fungible token. init(supply: u128): the creator holds the whole supply.
 * call: 't' to[32] amount[16]   transfer from the caller (event "transfer": from, to, amount)
 *       'b' who[32]              returns who's balance (16 bytes)
 *       's'                      returns the total supply */
#include "common.h"

BCIIN_EXPORT_AS(init) void init(void) {
  reader_t in = input_reader();
  bciin_amount_t supply = take_amount(&in);
  bciin_address_t creator;
  bciin_caller(&creator);
  bciin_set_amount_of('b', &creator, supply);
  bciin_storage_set("supply", 6, &supply, sizeof supply);
}

BCIIN_EXPORT_AS(call) void call(void) {
  reader_t in = input_reader();
  uint8_t op = take_u8(&in);
  if (op == 't') {
    bciin_address_t from, to;
    bciin_caller(&from);
    take_address(&in, &to);
    bciin_amount_t amount = take_amount(&in);
    bciin_amount_t have = bciin_get_amount_of('b', &from);
    BCIIN_REQUIRE(have >= amount, "insufficient token balance");
    bciin_set_amount_of('b', &from, have - amount);
    bciin_amount_t to_have = bciin_get_amount_of('b', &to);
    BCIIN_REQUIRE(to_have + amount >= to_have, "overflow");
    bciin_set_amount_of('b', &to, to_have + amount);
    uint8_t event[80];
    bciin_memcpy(event, from.bytes, 32);
    bciin_memcpy(event + 32, to.bytes, 32);
    bciin_memcpy(event + 64, &amount, 16);
    bciin_emit("transfer", 8, event, sizeof event);
  } else if (op == 'b') {
    bciin_address_t who;
    take_address(&in, &who);
    bciin_amount_t have = bciin_get_amount_of('b', &who);
    bciin_return(&have, sizeof have);
  } else if (op == 's') {
    bciin_amount_t supply = 0;
    bciin_storage_get("supply", 6, &supply, sizeof supply);
    bciin_return(&supply, sizeof supply);
  } else {
    bciin_revert("unknown operation");
  }
}
