// Runs the built bciin-cuckoo binary and checks its output and exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct Result {
  int exit_code;
  std::string out;
};

Result run(const std::string& args) {
  const char* dir = std::getenv("BCIIN_BUILD_DIR");
  const std::string cmd = std::string(dir ? dir : ".") + "/bin/bciin-cuckoo " + args + " 2>&1";
  Result r{-1, {}};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const char* kV1_29 =
    "48a9e2 9cf043 155ca30 18f4783 248f86c 2629a64 5bad752 72e3569 93db760 97d3b37 9e05670 a315d5a a3571a1 "
    "a48db46 a7796b6 ac43611 b64912f bb6c71e bcc8be1 c38a43a d4faa99 e018a66 e37e49c fa975fa 11786035 1243b60a "
    "12892da0 141b5453 1483c3a0 1505525e 1607352c 16181fe3 17e3a1da 180b651e 1899d678 1931b0bb 19606448 "
    "1b041655 1b2c20ad 1bd7a83c 1c05d5b0 1c0b9caa";

TEST(CuckooTool, KeysMatchReferenceConvention) {
  const Result r = run("keys -n 20");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("nonce 20 k0 27580576fe290177 k1 f9ea9b2031f4e76e k2 1663308c8607868f k3 b88839b0fa180d0e"),
            std::string::npos) << r.out;
  const Result x = run("keys -n 61 -x " + std::string(160, '0'));
  EXPECT_NE(x.out.find("k2 685fbcfc1d315fe"), std::string::npos) << x.out;  // no leading zeros, like %llx
}

TEST(CuckooTool, VerifyPrintsCodeAndName) {
  Result r = run(std::string("verify -e 29 -n 20 ") + kV1_29);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("0 POW_OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reference cyclehash da39564f0eaf0deb"), std::string::npos) << r.out;
  r = run(std::string("verify -e 29 -n 21 ") + kV1_29);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("4 POW_NON_MATCHING"), std::string::npos) << r.out;
  r = run(std::string("verify -e 28 -n 20 ") + kV1_29);
  EXPECT_NE(r.out.find("2 POW_TOO_BIG"), std::string::npos) << r.out;
}

TEST(CuckooTool, BadInputExitsNonZeroWithAReason) {
  Result r = run("verify -e 29 1 2 3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("3 edges given"), std::string::npos) << r.out;
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("keys -x 0g").exit_code, 2);
  EXPECT_EQ(run("solve -e 4").exit_code, 2);
  EXPECT_EQ(run("solve -s fast").exit_code, 2);
  r = run("solve -e 20 --memory-cap 0 -s mean --threads 0");
  EXPECT_EQ(r.exit_code, 2);
  r = run("solve -e 24 -s mean --memory-cap 1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("memory cap"), std::string::npos) << r.out;
}

TEST(CuckooTool, SolvePrintsEveryCycle) {
  for (const char* solver : {"mean", "lean"}) {
    const Result r = run(std::string("solve -e 15 -n 1546569 -t 2 -s ") + solver);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    size_t count = 0;
    for (size_t at = r.out.find("Solution "); at != std::string::npos; at = r.out.find("Solution ", at + 1)) ++count;
    EXPECT_EQ(count, 2u) << r.out;
    EXPECT_NE(r.out.find("Time: "), std::string::npos);
  }
}

}  // namespace
