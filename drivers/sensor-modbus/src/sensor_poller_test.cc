#include "register_map.h"
#include "sensor_poller.h"

#include <gtest/gtest.h>

#include <map>

namespace bciin::modbus {
namespace {

Channel Must(std::string_view name, std::string_view spec) {
  Channel c;
  Status s = ParseChannel(name, spec, &c);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return c;
}

TEST(RegisterMap, ParsesAndDecodes) {
  Channel t = Must("temperature", "slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel");
  EXPECT_EQ(t.slave, 1);
  EXPECT_EQ(t.function, 4);
  EXPECT_EQ(t.reg, 1);
  uint16_t r235[] = {235};
  EXPECT_DOUBLE_EQ(t.Decode(r235), 23.5);
  uint16_t neg[] = {0xFFF6};
  EXPECT_DOUBLE_EQ(t.Decode(neg), -1.0);
  Channel v = Must("vibration", "slave=1 fc=4 reg=2 scale=0.01 unit=mm/s");
  uint16_t r412[] = {412};
  EXPECT_DOUBLE_EQ(v.Decode(r412), 4.12);
  EXPECT_EQ(v.unit, "mm/s");
  // 32-bit: 123456 = 0x0001E240; float 1.5 = 0x3FC00000.
  uint16_t abcd[] = {0x0001, 0xE240}, cdab[] = {0xE240, 0x0001};
  EXPECT_DOUBLE_EQ(Must("a", "reg=0 type=u32").Decode(abcd), 123456);
  EXPECT_DOUBLE_EQ(Must("a", "reg=0 type=u32 order=cdab").Decode(cdab), 123456);
  uint16_t f[] = {0x3FC0, 0x0000}, fdcba[] = {0x0000, 0xC03F};
  EXPECT_DOUBLE_EQ(Must("f", "reg=0x10 type=f32").Decode(f), 1.5);
  EXPECT_DOUBLE_EQ(Must("f", "reg=0x10 type=f32 order=dcba").Decode(fdcba), 1.5);
  uint16_t m[] = {0xFFFF, 0xFFFE};
  EXPECT_DOUBLE_EQ(Must("i", "reg=0 type=i32 offset=10").Decode(m), 8);
}

TEST(RegisterMap, RejectsBadSpecs) {
  Channel c;
  EXPECT_FALSE(ParseChannel("x", "fc=4", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=1 fc=5", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=1 slave=0", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=70000", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=1 type=f64", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=1 scale=0", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=1 colour=red", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg", &c).ok());
  EXPECT_FALSE(ParseChannel("x", "reg=65535 type=u32", &c).ok());
  std::vector<Channel> all;
  EXPECT_FALSE(ChannelsFromOptions({{"poll_interval_ms", "10"}}, &all).ok());
  ASSERT_TRUE(ChannelsFromOptions({{"channel.t", "reg=1"}, {"other", "x"}}, &all).ok());
  EXPECT_EQ(all.size(), 1u);
}

TEST(RegisterMap, GroupsNeighbouringRegisters) {
  std::vector<Channel> cs = {Must("b", "slave=1 fc=4 reg=2"), Must("a", "slave=1 fc=4 reg=1"),
                             Must("h", "slave=1 fc=3 reg=1"), Must("far", "slave=1 fc=4 reg=200"),
                             Must("s2", "slave=2 fc=4 reg=1 type=u32")};
  auto groups = GroupReads(cs);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].function, 3);
  EXPECT_EQ(groups[1].start, 1);
  EXPECT_EQ(groups[1].count, 2);
  EXPECT_EQ(groups[1].channels.size(), 2u);
  EXPECT_EQ(groups[2].start, 200);
  EXPECT_EQ(groups[3].slave, 2);
  EXPECT_EQ(groups[3].count, 2);
}

class FakeLink : public ModbusLink {
 public:
  Status Connect() override {
    ++connects;
    if (!can_open) return Status::IoError("open: no such device");
    open = true;
    return Status::Ok();
  }
  void Close() override { open = false; }
  bool connected() const override { return open; }
  Status Read(int slave, int function, uint16_t start, uint16_t count, uint16_t* out) override {
    if (silent) return Status::Timeout("no answer");
    if (exception) return Status::Rejected("exception 02: illegal data address");
    for (uint16_t i = 0; i < count; ++i) out[i] = regs[{slave, function, start + i}];
    return Status::Ok();
  }
  std::map<std::tuple<int, int, int>, uint16_t> regs;
  bool open = false, can_open = true, silent = false, exception = false;
  int connects = 0;
};

TEST(SensorPoller, ReadsAndTracksHealth) {
  FakeLink link;
  link.regs[{1, 4, 1}] = 235;
  link.regs[{1, 4, 2}] = 412;
  SensorPoller p({Must("temperature", "slave=1 fc=4 reg=1 type=i16 scale=0.1 unit=Cel"),
                  Must("vibration", "slave=1 fc=4 reg=2 scale=0.01 unit=mm/s")},
                 3, &link);
  std::vector<Reading> r;
  ASSERT_TRUE(p.PollOnce(&r).ok());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r[0].value, 23.5);
  EXPECT_DOUBLE_EQ(r[1].value, 4.12);
  EXPECT_EQ(p.slaves().at(1).health, Health::kOnline);

  link.silent = true;
  ASSERT_TRUE(p.PollOnce(&r).ok());
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(p.slaves().at(1).health, Health::kFailing);
  ASSERT_TRUE(p.PollOnce(&r).ok());
  ASSERT_TRUE(p.PollOnce(&r).ok());
  EXPECT_EQ(p.slaves().at(1).health, Health::kUnreachable);
  EXPECT_TRUE(p.AnyUnreachable());
  EXPECT_EQ(p.Summary(), "slave 1 unreachable: no answer (3 failed polls in a row)");
  EXPECT_FALSE(link.open);  // closed for a fresh open

  link.silent = false;
  ASSERT_TRUE(p.PollOnce(&r).ok());
  EXPECT_EQ(link.connects, 2);
  EXPECT_EQ(p.slaves().at(1).health, Health::kOnline);
  EXPECT_EQ(p.slaves().at(1).recoveries, 1u);
  EXPECT_EQ(r.size(), 2u);

  link.exception = true;
  ASSERT_TRUE(p.PollOnce(&r).ok());
  EXPECT_TRUE(p.AnyException());
  EXPECT_EQ(p.slaves().at(1).health, Health::kOnline);
  EXPECT_EQ(p.Summary(), "exception 02: illegal data address");
}

TEST(SensorPoller, PortThatCannotOpen) {
  FakeLink link;
  link.can_open = false;
  SensorPoller p({Must("t", "reg=1")}, 3, &link);
  std::vector<Reading> r;
  EXPECT_TRUE(p.PollOnce(&r).is(BCIIN_ERR_IO));
}

}  // namespace
}  // namespace bciin::modbus
