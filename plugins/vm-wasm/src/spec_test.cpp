// The WebAssembly spec test suite: every .wast under $BCIIN_SHARED_DATA_DIR/wasm-spec is converted
// with wast2json and run. Commands that need floats (or another refused feature) are skipped; every
// other command must pass. Prints a pass/skip/fail table and writes it as markdown to
// $BCIIN_BUILD_DIR/wasm-spec-results.md (docs/vm.md carries a copy).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "spec_runner.h"
#include "test_util.h"

namespace bciin::wasm::testing {
namespace {

std::string spec_dir() {
  const char* shared = std::getenv("BCIIN_SHARED_DATA_DIR");
  return std::string(shared ? shared : "../shared/data") + "/wasm-spec";
}

std::vector<std::string> spec_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(spec_dir())) {
    if (entry.path().extension() == ".wast") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(SpecTest, AllFilesPassTheirSupportedCommands) {
  std::vector<std::string> files = spec_files();
  ASSERT_FALSE(files.empty()) << "no .wast files in " << spec_dir();

  std::string table = "| File | Passed | Skipped | Failed | Text-only (n/a) |\n|---|---:|---:|---:|---:|\n";
  int total_pass = 0, total_skip = 0, total_fail = 0, total_text = 0;
  for (const std::string& file : files) {
    TempDir dir;
    SpecFileResult r = run_spec_file(file, dir.path());
    EXPECT_TRUE(r.conversion_error.empty()) << r.file << ": wast2json failed: " << r.conversion_error;
    EXPECT_EQ(r.failed, 0) << r.file;
    for (size_t i = 0; i < r.failures.size() && i < 20; ++i) ADD_FAILURE() << r.file << " " << r.failures[i];
    if (std::getenv("BCIIN_SPEC_VERBOSE")) {
      for (const auto& [reason, n] : r.skip_reasons) fmt::print("  {} skip {}x: {}\n", r.file, n, reason);
    }
    table += fmt::format("| {} | {} | {} | {} | {} |\n", r.file, r.passed, r.skipped, r.failed, r.text_only);
    total_pass += r.passed;
    total_skip += r.skipped;
    total_fail += r.failed;
    total_text += r.text_only;
  }
  table += fmt::format("| **total** | {} | {} | {} | {} |\n", total_pass, total_skip, total_fail, total_text);
  fmt::print("{}", table);
  if (const char* build = std::getenv("BCIIN_BUILD_DIR")) {
    std::ofstream(std::string(build) + "/wasm-spec-results.md") << table;
  }
}

// The unmetered translation takes other code paths (plain branches, no Gas): it must agree too.
TEST(SpecTest, UnmeteredTranslationPassesToo) {
  std::vector<std::string> files = spec_files();
  ASSERT_FALSE(files.empty());
  CompileOptions unmetered;
  unmetered.metering = false;
  for (const std::string& file : files) {
    TempDir dir;
    SpecFileResult r = run_spec_file(file, dir.path(), unmetered);
    EXPECT_EQ(r.failed, 0) << r.file;
    for (size_t i = 0; i < r.failures.size() && i < 20; ++i) ADD_FAILURE() << r.file << " " << r.failures[i];
  }
}

}  // namespace
}  // namespace bciin::wasm::testing
