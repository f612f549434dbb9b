#include "rtu_frame.h"

#include "modbus_slave.h"

#include <gtest/gtest.h>

#include <vector>

namespace bciin::modbus {
namespace {

using Bytes = std::vector<uint8_t>;
using namespace std::chrono_literals;

TEST(ModbusCrc, KnownVectors) {
  // devices.md 4.2: libmodbus 3.1.6 captures.
  Bytes a = {0x01, 0x03, 0x00, 0x00, 0x00, 0x01};
  EXPECT_EQ(Crc16(a), 0x0A84);  // on the wire 84 0A
  Bytes b = {0x01, 0x03, 0x00, 0x00, 0x00, 0x0A};
  AppendCrc(&b);
  EXPECT_EQ(b[6], 0xC5);
  EXPECT_EQ(b[7], 0xCD);
  EXPECT_TRUE(CheckCrc(Bytes{0x01, 0x04, 0x00, 0x01, 0x00, 0x02, 0x20, 0x0B}));
  EXPECT_TRUE(CheckCrc(Bytes{0x01, 0x04, 0x04, 0x00, 0xEB, 0x01, 0x9C, 0x8A, 0x49}));
  EXPECT_TRUE(CheckCrc(Bytes{0x01, 0x84, 0x02, 0xC2, 0xC1}));
  EXPECT_FALSE(CheckCrc(Bytes{0x01, 0x84, 0x02, 0xC2, 0xC2}));
}

TEST(RequestFramer, FramesByLengthAcrossChunks) {
  RequestFramer f;
  auto t = Clock::now();
  Bytes req = {0x01, 0x04, 0x00, 0x01, 0x00, 0x02, 0x20, 0x0B};
  Bytes out;
  f.Feed(std::span(req).first(3), t);
  EXPECT_FALSE(f.Next(t, &out));
  f.Feed(std::span(req).subspan(3), t);
  ASSERT_TRUE(f.Next(t, &out));
  EXPECT_EQ(out, req);
  // Two back to back in one chunk.
  Bytes two = req;
  two.insert(two.end(), req.begin(), req.end());
  f.Feed(two, t);
  EXPECT_TRUE(f.Next(t, &out));
  EXPECT_TRUE(f.Next(t, &out));
  EXPECT_FALSE(f.Next(t, &out));
  EXPECT_EQ(f.stats().frames, 3u);
}

TEST(RequestFramer, DropsBadCrcAndStalePartials) {
  RequestFramer f(5ms, 100ms);
  auto t = Clock::now();
  Bytes bad = {0x01, 0x04, 0x00, 0x01, 0x00, 0x02, 0x20, 0x0C};
  Bytes out;
  f.Feed(bad, t);
  EXPECT_FALSE(f.Next(t, &out));
  EXPECT_EQ(f.stats().crc_errors, 1u);
  f.Feed(Bytes{0x01, 0x04, 0x00}, t);
  EXPECT_FALSE(f.Next(t + 50ms, &out));
  EXPECT_FALSE(f.Next(t + 150ms, &out));
  EXPECT_EQ(f.stats().stale_drops, 1u);
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(RequestFramer, WriteMultipleAndUnknownFunction) {
  RequestFramer f;
  auto t = Clock::now();
  Bytes w = {0x01, 0x10, 0x00, 0x05, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02};
  AppendCrc(&w);
  f.Feed(w, t);
  Bytes out;
  ASSERT_TRUE(f.Next(t, &out));
  EXPECT_EQ(out.size(), 13u);
  Bytes unknown = {0x01, 0x2B, 0x0E, 0x01};
  AppendCrc(&unknown);
  f.Feed(unknown, t);
  EXPECT_FALSE(f.Next(t, &out));  // waits for the gap
  ASSERT_TRUE(f.Next(t + 10ms, &out));
  EXPECT_EQ(out, unknown);
}

TEST(ModbusSlave, ReadsInputRegisters) {
  ModbusSlave s(1);
  s.Define(Table::kInput, 1, [](double) { return uint16_t{235}; });
  s.Define(Table::kInput, 2, [](double) { return uint16_t{412}; });
  auto r = s.Handle(Bytes{0x01, 0x04, 0x00, 0x01, 0x00, 0x02, 0x20, 0x0B}, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Bytes{0x01, 0x04, 0x04, 0x00, 0xEB, 0x01, 0x9C, 0x8A, 0x49}));
  // Start 100: not defined -> exception 02, as the captured vector.
  auto e = s.Handle(Bytes{0x01, 0x04, 0x00, 0x64, 0x00, 0x02, 0x30, 0x14}, 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, (Bytes{0x01, 0x84, 0x02, 0xC2, 0xC1}));
}

TEST(ModbusSlave, ExceptionsAndSilence) {
  ModbusSlave s(1);
  s.Define(Table::kHolding, 0, [](double t) { return static_cast<uint16_t>(t); });
  auto req = [](Bytes b) { AppendCrc(&b); return b; };
  EXPECT_FALSE(s.Handle(req({0x02, 0x03, 0, 0, 0, 1}), 0));  // other slave
  EXPECT_FALSE(s.Handle(req({0x00, 0x03, 0, 0, 0, 1}), 0));  // broadcast
  auto e1 = s.Handle(req({0x01, 0x2B, 0x0E, 0x01}), 0);
  ASSERT_TRUE(e1);
  EXPECT_EQ((*e1)[1], 0xAB);
  EXPECT_EQ((*e1)[2], kIllegalFunction);
  auto e3 = s.Handle(req({0x01, 0x03, 0, 0, 0, 0}), 0);
  EXPECT_EQ((*e3)[2], kIllegalDataValue);
  auto e3b = s.Handle(req({0x01, 0x03, 0, 0, 0, 126}), 0);
  EXPECT_EQ((*e3b)[2], kIllegalDataValue);
  auto v = s.Handle(req({0x01, 0x03, 0, 0, 0, 1}), 42.7);
  EXPECT_EQ((*v)[4], 42);
  // Write single, then read back; an override wins until cleared.
  auto w = s.Handle(req({0x01, 0x06, 0, 0, 0x12, 0x34}), 0);
  EXPECT_EQ(w->size(), 8u);
  EXPECT_EQ(*s.Read(Table::kHolding, 0, 99), 0x1234);
  s.Override(Table::kHolding, 0, 7);
  EXPECT_EQ(*s.Read(Table::kHolding, 0, 0), 7);
  s.ClearOverrides();
  EXPECT_EQ(*s.Read(Table::kHolding, 0, 0), 0x1234);
  s.ForceException(kServerFailure);
  EXPECT_EQ((*s.Handle(req({0x01, 0x03, 0, 0, 0, 1}), 0))[2], kServerFailure);
}

}  // namespace
}  // namespace bciin::modbus

#include "curve.h"

namespace bciin::modbus {
namespace {

TEST(Curve, Kinds) {
  ModbusSlave::Source s;
  ASSERT_TRUE(ParseCurve("const:-5", &s).ok());
  EXPECT_EQ(static_cast<int16_t>(s(10)), -5);
  ASSERT_TRUE(ParseCurve("drift:235:10:300", &s).ok());
  EXPECT_EQ(s(0), 235);
  EXPECT_EQ(s(2.5), 260);
  EXPECT_EQ(s(100), 300);
  ASSERT_TRUE(ParseCurve("spikes:412:1500:10:1", &s).ok());
  EXPECT_EQ(s(0.5), 1500);
  EXPECT_EQ(s(5), 412);
  EXPECT_EQ(s(10.2), 1500);
  ASSERT_TRUE(ParseCurve("sine:100:50:4", &s).ok());
  EXPECT_EQ(s(1), 150);
  EXPECT_FALSE(ParseCurve("ramp:1", &s).ok());
  EXPECT_FALSE(ParseCurve("drift:1", &s).ok());
  EXPECT_FALSE(ParseCurve("const:x", &s).ok());
  EXPECT_FALSE(ParseCurve("spikes:1:2:0", &s).ok());
}

}  // namespace
}  // namespace bciin::modbus
