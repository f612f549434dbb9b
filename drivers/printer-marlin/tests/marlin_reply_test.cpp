#include "marlin_reply.hpp"

#include <gtest/gtest.h>

using namespace bciin::marlin;

namespace {

TEST(Checksum, PublicVectors) {
  EXPECT_EQ(FrameLine(0, "M110 N0"), "N0 M110 N0*125");
  EXPECT_EQ(FrameLine(3186, "M105"), "N3186 M105*27");
  EXPECT_EQ(FrameLine(24, "G1 X120.405 Y76.035 E2.23535"), "N24 G1 X120.405 Y76.035 E2.23535*97");
  EXPECT_EQ(FrameLine(65048, "G1 X136.689 Y160.389 E6563.257"), "N65048 G1 X136.689 Y160.389 E6563.257*93");
}

TEST(ParseResend, AllSpellings) {
  EXPECT_EQ(ParseResend("Resend: 24"), 24);
  EXPECT_EQ(ParseResend("Resend:23"), 23);
  EXPECT_EQ(ParseResend("Resend: N23"), 23);
  EXPECT_EQ(ParseResend("Resend: N:23"), 23);
  EXPECT_EQ(ParseResend("rs 23"), 23);
  EXPECT_EQ(ParseResend("rs N23 expected checksum 109"), 23);
  EXPECT_FALSE(ParseResend("Resend: x"));
  EXPECT_FALSE(ParseResend("ok"));
}

TEST(ParseReply, OkForms) {
  Reply r = ParseReply("ok");
  EXPECT_EQ(r.kind, ReplyKind::kOk);
  r = ParseReply("ok N78 P15 B3");
  EXPECT_EQ(r.kind, ReplyKind::kOk);
  EXPECT_EQ(r.line, 78);
  EXPECT_EQ(r.planner_free, 15);
  EXPECT_EQ(r.queue_free, 3);
  r = ParseReply("ok T:21.9 /0.0 B:75.0 /75.0 B@:37 @:0");
  ASSERT_EQ(r.temperatures.size(), 2u);
  EXPECT_EQ(r.temperatures[0].id, "T");
  EXPECT_DOUBLE_EQ(r.temperatures[0].actual, 21.9);
  EXPECT_DOUBLE_EQ(*r.temperatures[1].target, 75.0);
}

TEST(ParseTemperatures, SpacingVariantsAndNoTarget) {
  std::vector<Temperature> t;
  ASSERT_TRUE(ParseTemperatures("T:21.30/ 0.00 B:21.30/ 0.00 @:64", &t));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_DOUBLE_EQ(*t[1].target, 0.0);
  ASSERT_TRUE(ParseTemperatures("ok T:0", &t));
  EXPECT_FALSE(t[0].target.has_value());
  ASSERT_TRUE(ParseTemperatures("T:20.3 /0.0 B:19.2 /0.0 T0:20.3 /0.0 T1:20.6 /0.0 @:0 B@:0", &t));
  EXPECT_EQ(t.size(), 4u);
  ASSERT_TRUE(ParseTemperatures("T:22.1 /0.0 B:75.0 /75.0 B@:37 @:0 W:?", &t));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_FALSE(ParseTemperatures("echo:hello", &t));
}

TEST(ParseReply, ClassesOfLines) {
  EXPECT_EQ(ParseReply("start").kind, ReplyKind::kStart);
  EXPECT_EQ(ParseReply("wait").kind, ReplyKind::kWait);
  EXPECT_EQ(ParseReply("echo:busy: processing").kind, ReplyKind::kBusy);
  EXPECT_EQ(ParseReply("busy:processing").kind, ReplyKind::kBusy);
  EXPECT_EQ(ParseReply(" T:20.30 /0.00 B:20.72 /0.00 @:0 B@:0").kind, ReplyKind::kTemperature);
  EXPECT_EQ(ParseReply("Cap:AUTOREPORT_TEMP:1").text, "AUTOREPORT_TEMP:1");
  Reply pos = ParseReply("X:10.00 Y:0.00 Z:0.30 E:4.00 Count X:0 Y:0 Z:0");
  EXPECT_EQ(pos.kind, ReplyKind::kPosition);
  EXPECT_EQ(pos.fields["Z"], "0.30");
  EXPECT_EQ(pos.fields.size(), 4u);
}

TEST(ClassifyError, OctoPrintClasses) {
  EXPECT_EQ(ParseReply("Error:checksum mismatch, Last Line: 23").error_class, ErrorClass::kResend);
  EXPECT_EQ(ParseReply("Error:Line Number is not Last Line Number+1, Last Line: 5").error_class, ErrorClass::kResend);
  EXPECT_EQ(ParseReply("Error:No Line Number with checksum, Last Line: 5").error_class, ErrorClass::kRecoverable);
  EXPECT_EQ(ParseReply("Error:Printer halted. kill() called!").error_class, ErrorClass::kFatal);
  EXPECT_EQ(ParseReply("Error:Thermal Runaway, system stopped! Heater_ID: bed").error_class, ErrorClass::kFatal);
  EXPECT_EQ(ParseReply("!! MAXTEMP triggered").error_class, ErrorClass::kFatal);
  EXPECT_EQ(ParseReply("fatal: something").error_class, ErrorClass::kFatal);
  EXPECT_EQ(ParseReply("Error:volume.init failed").error_class, ErrorClass::kIgnore);
  EXPECT_EQ(ParseReply("Error:Something odd").error_class, ErrorClass::kOther);
}

TEST(ParseFirmwareInfo, ValuesWithSpaces) {
  auto f = ParseFirmwareInfo(
      "FIRMWARE_NAME:Marlin 2.1.3 (Aug  1 2024 12:00:00) SOURCE_CODE_URL:github.com/MarlinFirmware/Marlin "
      "PROTOCOL_VERSION:1.0 MACHINE_TYPE:3D Printer KINEMATICS:Cartesian EXTRUDER_COUNT:1 UUID:cede2a2f");
  EXPECT_EQ(f["FIRMWARE_NAME"], "Marlin 2.1.3 (Aug  1 2024 12:00:00)");
  EXPECT_EQ(f["MACHINE_TYPE"], "3D Printer");
  EXPECT_EQ(f["EXTRUDER_COUNT"], "1");
}

}  // namespace
