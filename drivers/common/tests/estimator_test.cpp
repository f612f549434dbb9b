#include <bciin/gcode/estimator.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace bciin::gcode;

namespace {

TEST(TimeEstimate, MovesDwellsAndRemaining) {
  // 60 mm at 600 mm/min = 6 s; G4 P500 = 0.5 s; 10 mm of E at 600 = 1 s.
  Program p = ParseProgram("G1 X60 F600\nG4 P500\nG1 E10\nM104 S0\n");
  ASSERT_TRUE(p.ok());
  TimeEstimate t(p.commands);
  EXPECT_NEAR(t.total_seconds(), 7.5, 1e-9);
  EXPECT_NEAR(t.remaining_seconds(1), 1.5, 1e-9);
  EXPECT_NEAR(t.remaining_seconds(4), 0.0, 1e-9);
  EXPECT_NEAR(t.filament_mm(), 10.0, 1e-9);
}

TEST(TimeEstimate, RelativeInchesAndHome) {
  Program p = ParseProgram("G20\nG91\nG1 X1 F60\nG1 X1\nG21\nG90\nG28\nG1 X3 F180\n");
  ASSERT_TRUE(p.ok());
  TimeEstimate t(p.commands);
  // 25.4 mm at 60 in/min (1524 mm/min) = 1 s, twice; then 3 mm at 3 mm/s = 1 s.
  EXPECT_NEAR(t.total_seconds(), 3.0, 1e-9);
}

TEST(TimeEstimate, ArcsUseArcLength) {
  // Half circle of radius 10 from (0,0) to (20,0) around (10,0): length 10*pi at 600 mm/min.
  Program p = ParseProgram("G2 X20 Y0 I10 J0 F600\n");
  ASSERT_TRUE(p.ok());
  TimeEstimate t(p.commands);
  EXPECT_NEAR(t.total_seconds(), 10 * M_PI / 10.0, 1e-6);
}

}  // namespace
