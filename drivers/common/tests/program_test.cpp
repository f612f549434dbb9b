#include <bciin/gcode/program.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace bciin::gcode;

namespace {

TEST(StripLine, CommentsNumbersAndChecksums) {
  std::string out, reason;
  ASSERT_TRUE(StripLine("N24 G1 X120.405 Y76.035 E2.23535*97", &out, &reason));
  EXPECT_EQ(out, "G1 X120.405 Y76.035 E2.23535");
  ASSERT_TRUE(StripLine("G28 ; home all axes", &out, &reason));
  EXPECT_EQ(out, "G28");
  ASSERT_TRUE(StripLine("G1 (move) X1 (fast)", &out, &reason));
  EXPECT_EQ(out, "G1   X1");
  EXPECT_FALSE(StripLine("G1 (open X1", &out, &reason));
  EXPECT_EQ(reason, "unclosed '(' comment");
  EXPECT_FALSE(StripLine("G1 X1*ab", &out, &reason));
}

TEST(ParseProgram, NormalisesCommands) {
  Program p = ParseProgram("; header\nG1X10 Y-2.5 F1800\n\nM104 S200 ; heat\nM117 Hello world;x\nT0\n%\n");
  ASSERT_TRUE(p.ok()) << p.Summary();
  ASSERT_EQ(p.commands.size(), 4u);
  EXPECT_EQ(p.commands[0].text, "G1 X10 Y-2.5 F1800");
  EXPECT_EQ(p.commands[0].source_line, 2u);
  double y = 0;
  EXPECT_TRUE(p.commands[0].Has('Y', &y));
  EXPECT_EQ(y, -2.5);
  EXPECT_EQ(p.commands[1].text, "M104 S200");
  EXPECT_EQ(p.commands[2].text, "M117 Hello world");
  EXPECT_EQ(p.commands[3].Name(), "T0");
}

TEST(ParseProgram, ReportsLineAndReason) {
  Program p = ParseProgram("G28\nG2 X10 Y10\nG1 X\xc3\xa9\nM999\nG1 X1 X2\nG3 X1 I0 J0\n");
  ASSERT_EQ(p.issues.size(), 5u) << p.Summary(10);
  EXPECT_EQ(p.issues[0].source_line, 2u);
  EXPECT_EQ(p.issues[0].reason, "arc G2 has neither I/J nor R");
  EXPECT_EQ(p.issues[1].source_line, 3u);
  EXPECT_EQ(p.issues[1].reason, "non-ASCII or control byte 0xc3");
  EXPECT_EQ(p.issues[2].reason, "unsupported command M999");
  EXPECT_EQ(p.issues[3].reason, "parameter 'X' repeated");
  EXPECT_EQ(p.issues[4].reason, "arc G3 has a zero radius (I and J both 0)");
  EXPECT_NE(p.Summary().find("line 2: arc G2"), std::string::npos);
}

TEST(ParseProgram, LineLengthAndNul) {
  std::string longline = "G1 X1 ; " + std::string(200, 'c') + "\nG1 " + std::string(90, 'X') + "\n";
  longline += std::string("G1 X1\0\n", 7);
  Program p = ParseProgram(longline);
  ASSERT_EQ(p.issues.size(), 2u) << p.Summary(10);
  EXPECT_EQ(p.issues[0].source_line, 2u);
  EXPECT_NE(p.issues[0].reason.find("longer than the limit of 80"), std::string::npos);
  EXPECT_EQ(p.issues[1].reason, "NUL byte");
}

TEST(ParseProgram, ArcForms) {
  EXPECT_TRUE(ParseProgram("G2 X10 Y0 I5 J0\nG3 X0 Y0 R5\nG2 I5\n").ok());
  EXPECT_FALSE(ParseProgram("G2 X10 I5 R5\n").ok());
  ParseOptions no_arcs;
  no_arcs.allow_arcs = false;
  EXPECT_FALSE(ParseProgram("G2 X10 Y0 I5 J0\n", no_arcs).ok());
}

TEST(ParseProgram, RealSlicerFile) {
  const char* dir = std::getenv("BCIIN_SHARED_DATA_DIR");
  if (!dir) GTEST_FAIL() << "BCIIN_SHARED_DATA_DIR is not set; run through ctest";
  std::ifstream in(std::string(dir) + "/gcode/prusaslicer-cube-with-hole.gcode", std::ios::binary);
  ASSERT_TRUE(in) << "missing shared G-code file";
  std::stringstream ss;
  ss << in.rdbuf();
  Program p = ParseProgram(ss.str());
  EXPECT_TRUE(p.ok()) << p.Summary();
  // G1 17107 + G92 394 + M106 16 + M107 3 + M104 2 + G28 2 + M84 + M82 + M109 + G90 + G21.
  EXPECT_EQ(p.commands.size(), 17107u + 394 + 16 + 3 + 2 + 2 + 1 + 1 + 1 + 1 + 1);
}

TEST(ParseProgram, CncFileIsRefusedForPrintersWithReasons) {
  const char* dir = std::getenv("BCIIN_SHARED_DATA_DIR");
  if (!dir) GTEST_FAIL() << "BCIIN_SHARED_DATA_DIR is not set; run through ctest";
  std::ifstream in(std::string(dir) + "/gcode/cncjs-circle-diamond-square-calibration.gcode", std::ios::binary);
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  Program p = ParseProgram(ss.str());
  ASSERT_FALSE(p.ok());
  // "N1 (comment)" is stripped to nothing; N2 holds "G17 G21 G90"; N3 is a bare "F355".
  EXPECT_EQ(p.issues[0].source_line, 2u);
  EXPECT_EQ(p.issues[0].reason, "several commands on one line (G17 and G21) are not supported");
  EXPECT_EQ(p.issues[1].source_line, 3u);
  EXPECT_EQ(p.issues[1].reason, "a command must start with G, M or T, not 'F'");
}

}  // namespace
