#include "grbl_job.h"

#include "grbl_block.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bciin::grbl {
namespace {

TEST(GrblBlock, FilterAndParse) {
  EXPECT_EQ(FilterLine("g1 x1.5 (move) y-2 ; done"), "G1X1.5Y-2");
  std::vector<BlockWord> w;
  EXPECT_EQ(ParseBlock("G17G21G90", &w), 0);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(ParseBlock("F355", &w), 0);
  EXPECT_EQ(ParseBlock("G3X1Y2I-1J0", &w), 0);
  EXPECT_EQ(ParseBlock("G38.2Z-5F10", &w), 0);
  EXPECT_EQ(ParseBlock("G81X1", &w), 20);
  EXPECT_EQ(ParseBlock("M104S200", &w), 20);
  EXPECT_EQ(ParseBlock("G1X1X2", &w), 25);
  EXPECT_EQ(ParseBlock("G1X", &w), 2);
  EXPECT_EQ(ParseBlock("1X", &w), 1);
  EXPECT_EQ(ParseBlock("E5", &w), 20);
  EXPECT_EQ(ParseBlock(std::string(81, 'X'), &w), 11);
}

TEST(GrblJob, PreparesAProgram) {
  std::vector<JobLine> lines;
  Status s = PrepareJob("%\nN1 (title)\nN2 G17 G21 G90\nN3 F355\n\nG0 X1 ; rapid\n%", &lines);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, "G17 G21 G90");
  EXPECT_EQ(lines[0].source_line, 3u);
  EXPECT_EQ(lines[1].text, "F355");
  EXPECT_EQ(lines[2].text, "G0 X1");
  EXPECT_EQ(lines[2].source_line, 6u);
}

TEST(GrblJob, RefusesWithReasons) {
  std::vector<JobLine> lines;
  Status s = PrepareJob("G1 X1\nG81 X2 Y3\n$H\nG1 X" + std::string(90, '1') + "\nG1 X\xc3\xa9", &lines);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("line 2: 'G81 X2 Y3' would be refused: error:20"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("line 3: system command"), std::string::npos);
  EXPECT_NE(s.message().find("line 4: 93 characters"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("line 5: non-ASCII"), std::string::npos);
  EXPECT_FALSE(PrepareJob("; nothing\n", &lines).ok());
}

TEST(GrblJob, TheCalibrationProgramIsAccepted) {
  const char* dir = std::getenv("BCIIN_SHARED_DATA_DIR");
  if (!dir) GTEST_FAIL() << "BCIIN_SHARED_DATA_DIR is not set; run through ctest";
  std::ifstream in(std::string(dir) + "/gcode/cncjs-circle-diamond-square-calibration.gcode");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  std::vector<JobLine> lines;
  Status s = PrepareJob(text.str(), &lines);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(lines.size(), 987u);  // 988 lines, the first only a comment
  EXPECT_EQ(lines.back().text, "G1 Y-25");
}

}  // namespace
}  // namespace bciin::grbl
