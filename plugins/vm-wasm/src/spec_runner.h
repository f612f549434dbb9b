// Runs a WebAssembly spec test script (.wast) against the engine: converts it with wabt's
// wast2json, then executes the JSON commands (module, register, action, assert_*).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bciin/wasm/options.h"

namespace bciin::wasm::testing {

struct SpecFileResult {
  std::string file;
  int passed = 0;
  int skipped = 0;    // needs floats or another unsupported feature
  int failed = 0;
  int text_only = 0;  // assert_malformed/invalid given in text form only: tests wabt's parser, not us
  std::vector<std::string> failures;  // "line N: what went wrong"
  std::string conversion_error;       // wast2json failed (counts as a failure)
  std::map<std::string, int> skip_reasons;
};

// Commands run on modules compiled with `options` (metering on by default, as contracts run).
SpecFileResult run_spec_file(const std::string& wast_path, const std::string& work_dir,
                             const CompileOptions& options = {});

}  // namespace bciin::wasm::testing
