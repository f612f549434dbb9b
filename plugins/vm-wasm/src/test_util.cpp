#include "test_util.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bciin::wasm::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "bciin-wasm-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  if (made) path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<uint8_t> wat(const std::string& text, const std::string& extra_flags) {
  TempDir dir;
  std::string in = dir.path() + "/m.wat", out = dir.path() + "/m.wasm";
  std::ofstream(in) << text;
  std::string cmd = std::string(BCIIN_WAT2WASM) + " " + extra_flags + " " + in + " -o " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << "wat2wasm failed on:\n" << text;
  return read_file(out);
}

Loaded load(const std::vector<uint8_t>& bytes, const CompileOptions& options, const RuntimeLimits& limits,
            const Linker* linker) {
  Loaded l;
  l.store = std::make_unique<Store>(limits);
  auto compiled = compile(bytes, options);
  if (!compiled.ok()) {
    l.status = compiled.status();
    return l;
  }
  l.module = compiled.value();
  Linker empty;
  GasMeter gas = GasMeter::Unlimited();
  auto inst = l.store->instantiate(l.module, linker ? *linker : empty, gas);
  if (!inst.ok()) {
    l.status = inst.status();
    return l;
  }
  l.instance = inst.value();
  return l;
}

Status Loaded::call(const std::string& name, std::vector<Value> args, std::vector<Value>* results, GasMeter& gas) {
  const FuncInstance* f = instance ? instance->find_function(name) : nullptr;
  if (!f) return Status(ErrorCode::kNotFound, name);
  return store->invoke(*f, args, results, gas);
}

uint64_t Loaded::call_ok(const std::string& name, std::vector<Value> args) {
  GasMeter gas = GasMeter::Unlimited();
  std::vector<Value> results;
  Status s = call(name, std::move(args), &results, gas);
  EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
  return results.empty() ? 0 : results[0].bits;
}

}  // namespace bciin::wasm::testing
