/* The end-to-end test's contract: init stores the owner (the creator); every call adds the
 * u64 in its input to "total", records the caller under "last" and returns the new total.
 * Input shorter than 8 bytes reverts. */
#include <bciin/contract.h>

BCIIN_EXPORT_AS(init) void init(void) {
  bciin_address_t owner;
  bciin_caller(&owner);
  bciin_storage_set("owner", 5, owner.bytes, 32);
  bciin_set_u64("total", 0);
}

BCIIN_EXPORT_AS(call) void call(void) {
  uint32_t len;
  const uint8_t* in = bciin_read_input(&len);
  BCIIN_REQUIRE(len >= 8, "input: a little-endian u64");
  uint64_t add = 0;
  for (int i = 7; i >= 0; --i) add = (add << 8) | in[i];
  uint64_t total;
  bciin_get_u64("total", &total);
  BCIIN_REQUIRE(total + add >= total, "overflow");
  total += add;
  bciin_set_u64("total", total);
  bciin_address_t who;
  bciin_caller(&who);
  bciin_storage_set("last", 4, who.bytes, 32);
  bciin_emit("added", 5, &add, 8);
  bciin_return(&total, 8);
}
