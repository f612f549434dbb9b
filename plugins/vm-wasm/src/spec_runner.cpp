#include "spec_runner.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bciin/wasm/compiled_module.h"
#include "bciin/wasm/runtime.h"
#include "test_util.h"

namespace bciin::wasm::testing {
namespace {

using nlohmann::json;

enum class Outcome { kPass, kSkip, kFail };

struct Verdict {
  Outcome outcome;
  std::string why;
};

Verdict pass() { return {Outcome::kPass, ""}; }
Verdict skip(std::string why) { return {Outcome::kSkip, std::move(why)}; }
Verdict failure(std::string why) { return {Outcome::kFail, std::move(why)}; }

// A module slot: an instance, or the reason it was skipped.
struct ModuleSlot {
  Instance* instance = nullptr;
  std::string skipped;  // non-empty when the module needs an unsupported feature
};

class SpecRunner {
 public:
  SpecRunner(std::string dir, SpecFileResult* result, const CompileOptions& options)
      : dir_(std::move(dir)), result_(*result), options_(options), linker_(&hosts_) {
    RuntimeLimits limits;
    limits.max_memory_pages = 65536;  // the spec's own bound; tests only grow a little
    limits.max_call_depth = 1024;
    limits.max_table_size = 1u << 20;
    store_ = std::make_unique<Store>(limits);
    define_spectest();
  }

  void run(const json& script) {
    for (const json& cmd : script.at("commands")) {
      Verdict v = command(cmd);
      int line = cmd.value("line", 0);
      switch (v.outcome) {
        case Outcome::kPass: ++result_.passed; break;
        case Outcome::kSkip:
          if (v.why == "text") ++result_.text_only;
          else {
            ++result_.skipped;
            std::string reason = v.why;
            if (auto colon = reason.find(": "); reason.rfind("unsupported", 0) == 0 && colon != std::string::npos) {
              reason = reason.substr(colon + 2);
            }
            ++result_.skip_reasons[reason];
          }
          break;
        case Outcome::kFail:
          ++result_.failed;
          result_.failures.push_back(fmt::format("line {}: {}: {}", line, cmd.value("type", "?"), v.why));
          break;
      }
    }
  }

 private:
  void define_spectest() {
    auto noop = [](HostContext&, std::span<const uint64_t>, std::span<uint64_t>) { return Status::Ok(); };
    hosts_.add("spectest", "print", FuncType{}, noop);
    hosts_.add("spectest", "print_i32", FuncType{{ValueType::kI32}, {}}, noop);
    hosts_.add("spectest", "print_i64", FuncType{{ValueType::kI64}, {}}, noop);
    linker_.define("spectest", "global_i32",
                   ExternVal{ExternKind::kGlobal, nullptr, nullptr, nullptr, store_->create_global(ValueType::kI32, false, 666)});
    linker_.define("spectest", "global_i64",
                   ExternVal{ExternKind::kGlobal, nullptr, nullptr, nullptr, store_->create_global(ValueType::kI64, false, 666)});
    linker_.define("spectest", "table",
                   ExternVal{ExternKind::kTable, nullptr, store_->create_table(Limits{10, 20}), nullptr, nullptr});
    linker_.define("spectest", "memory",
                   ExternVal{ExternKind::kMemory, nullptr, nullptr, store_->create_memory(Limits{1, 2}), nullptr});
  }

  std::vector<uint8_t> module_bytes(const json& cmd) { return read_file(dir_ + "/" + cmd.at("filename").get<std::string>()); }

  // Compiles and instantiates; on success `*slot` holds the instance.
  Result<Instance*> instantiate(const std::vector<uint8_t>& bytes, std::string* skip_reason) {
    auto compiled = compile(bytes, options_);
    if (!compiled.ok()) {
      if (compiled.status().code() == ErrorCode::kUnsupported) *skip_reason = compiled.status().ToString();
      return compiled.status();
    }
    // Imports from a registered module that was itself skipped cannot link: skip, not fail.
    for (const Import& im : compiled.value()->module.imports) {
      if (skipped_registrations_.count(im.module)) {
        *skip_reason = "imports from skipped module " + im.module;
        return Status(ErrorCode::kUnsupported, *skip_reason);
      }
    }
    GasMeter gas = GasMeter::Unlimited();
    return store_->instantiate(compiled.value(), linker_, gas);
  }

  Verdict command(const json& cmd) {
    const std::string type = cmd.at("type");
    if (type == "module") {
      std::string skip_reason;
      auto inst = instantiate(module_bytes(cmd), &skip_reason);
      ModuleSlot slot;
      if (!skip_reason.empty()) slot.skipped = skip_reason;
      else if (inst.ok()) slot.instance = inst.value();
      current_ = slot;
      if (cmd.contains("name")) named_[cmd.at("name")] = slot;
      if (!skip_reason.empty()) return skip(skip_reason);
      if (!inst.ok()) return failure("module refused: " + inst.status().ToString());
      return pass();
    }
    if (type == "register") {
      ModuleSlot slot = cmd.contains("name") ? named_[cmd.at("name")] : current_;
      std::string as = cmd.at("as");
      if (!slot.instance) {
        skipped_registrations_.insert(as);
        return skip("register of a skipped module");
      }
      skipped_registrations_.erase(as);
      linker_.define_instance(as, *slot.instance);
      return pass();
    }
    if (type == "action") return action_verdict(cmd.at("action"), nullptr);
    if (type == "assert_return") return action_verdict(cmd.at("action"), &cmd.at("expected"));
    if (type == "assert_trap" || type == "assert_exhaustion") {
      if (cmd.contains("filename")) return uninstantiable(cmd);
      return expect_trap(cmd.at("action"), cmd.at("text"), type == "assert_exhaustion");
    }
    if (type == "assert_uninstantiable") return uninstantiable(cmd);
    if (type == "assert_invalid" || type == "assert_malformed") {
      if (cmd.value("module_type", "binary") != "binary") return skip("text");
      auto compiled = compile(module_bytes(cmd), options_);
      if (compiled.ok()) return failure(fmt::format("accepted a module expected to be refused ({})",
                                                    cmd.value("text", "")));
      return pass();
    }
    if (type == "assert_unlinkable") {
      auto compiled = compile(module_bytes(cmd), options_);
      if (!compiled.ok()) {
        if (compiled.status().code() == ErrorCode::kUnsupported) return skip(compiled.status().ToString());
        return failure("refused at compile: " + compiled.status().ToString());
      }
      GasMeter gas = GasMeter::Unlimited();
      auto inst = store_->instantiate(compiled.value(), linker_, gas);
      if (inst.ok()) return failure("linked a module expected to be unlinkable");
      if (inst.status().code() != ErrorCode::kUnlinkable) return failure("wrong error: " + inst.status().ToString());
      return pass();
    }
    return failure("unknown command type " + type);
  }

  Verdict uninstantiable(const json& cmd) {
    std::string skip_reason;
    auto inst = instantiate(module_bytes(cmd), &skip_reason);
    if (!skip_reason.empty()) return skip(skip_reason);
    if (inst.ok()) return failure("instantiated a module expected to trap");
    if (!inst.status().is_trap()) return failure("expected a trap, got " + inst.status().ToString());
    return pass();
  }

  static bool is_int_type(const std::string& t) { return t == "i32" || t == "i64"; }

  // Resolves the action's module; returns a skip/fail verdict in `*why` when it cannot.
  bool action_target(const json& action, Instance** inst, Verdict* why) {
    ModuleSlot slot = current_;
    if (action.contains("module")) {
      auto it = named_.find(action.at("module"));
      if (it == named_.end()) {
        *why = failure("unknown module");
        return false;
      }
      slot = it->second;
    }
    if (!slot.instance) {
      *why = slot.skipped.empty() ? failure("no module instance") : skip(slot.skipped);
      return false;
    }
    *inst = slot.instance;
    return true;
  }

  Status perform(const json& action, Instance* inst, std::vector<Value>* results) {
    const std::string field = action.at("field");
    if (action.at("type") == "get") {
      auto v = inst->find_export(field);
      if (!v || v->kind != ExternKind::kGlobal) return Status(ErrorCode::kNotFound, "no global " + field);
      results->assign(1, Value{v->global->type, v->global->value});
      return Status::Ok();
    }
    const FuncInstance* f = inst->find_function(field);
    if (!f) return Status(ErrorCode::kNotFound, "no function " + field);
    std::vector<Value> args;
    for (const json& a : action.at("args")) {
      std::string t = a.at("type");
      uint64_t bits = std::stoull(a.at("value").get<std::string>());
      args.push_back(Value{t == "i32" ? ValueType::kI32 : ValueType::kI64, bits});
    }
    GasMeter gas = GasMeter::Unlimited();
    return store_->invoke(*f, args, results, gas);
  }

  bool uses_floats(const json& action, const json* expected) {
    if (action.contains("args")) {
      for (const json& a : action.at("args")) if (!is_int_type(a.at("type"))) return true;
    }
    if (expected) {
      for (const json& e : *expected) if (!is_int_type(e.at("type"))) return true;
    }
    return false;
  }

  Verdict action_verdict(const json& action, const json* expected) {
    if (uses_floats(action, expected)) return skip("float values");
    Instance* inst = nullptr;
    Verdict why = pass();
    if (!action_target(action, &inst, &why)) return why;
    std::vector<Value> results;
    Status s = perform(action, inst, &results);
    if (!s.ok()) return failure(fmt::format("{} failed: {}", action.value("field", ""), s.ToString()));
    if (!expected) return pass();
    if (results.size() != expected->size()) return failure("wrong number of results");
    for (size_t i = 0; i < results.size(); ++i) {
      uint64_t want = std::stoull((*expected)[i].at("value").get<std::string>());
      if ((*expected)[i].at("type") == "i32") want &= 0xFFFFFFFFu;
      if (results[i].bits != want) {
        return failure(fmt::format("{}: result {} is {}, expected {}", action.value("field", ""), i, results[i].bits, want));
      }
    }
    return pass();
  }

  Verdict expect_trap(const json& action, const std::string& text, bool exhaustion) {
    if (uses_floats(action, nullptr)) return skip("float values");
    Instance* inst = nullptr;
    Verdict why = pass();
    if (!action_target(action, &inst, &why)) return why;
    std::vector<Value> results;
    Status s = perform(action, inst, &results);
    if (s.ok()) return failure(fmt::format("{}: expected trap \"{}\", returned normally", action.value("field", ""), text));
    if (!s.is_trap()) return failure("expected a trap, got " + s.ToString());
    if (exhaustion) {
      if (s.code() != ErrorCode::kTrapCallStackExhausted) return failure("expected exhaustion, got " + s.ToString());
      return pass();
    }
    std::string ours(error_code_name(s.code()));
    if (text.rfind(ours, 0) != 0 && ours.rfind(text, 0) != 0) {
      return failure(fmt::format("trapped with \"{}\", expected \"{}\"", ours, text));
    }
    return pass();
  }

  std::string dir_;
  SpecFileResult& result_;
  CompileOptions options_;
  HostFunctionRegistry hosts_;
  std::unique_ptr<Store> store_;
  Linker linker_;
  ModuleSlot current_;
  std::map<std::string, ModuleSlot> named_;
  std::set<std::string> skipped_registrations_;
};

}  // namespace

SpecFileResult run_spec_file(const std::string& wast_path, const std::string& work_dir,
                             const CompileOptions& options) {
  SpecFileResult result;
  std::filesystem::path wast(wast_path);
  result.file = wast.filename().string();
  std::string json_path = work_dir + "/" + wast.stem().string() + ".json";
  std::string log_path = work_dir + "/" + wast.stem().string() + ".log";
  std::string cmd = fmt::format("\"{}\" \"{}\" -o \"{}\" > \"{}\" 2>&1", BCIIN_WAST2JSON, wast_path, json_path, log_path);
  if (std::system(cmd.c_str()) != 0) {
    std::ifstream log(log_path);
    result.conversion_error = std::string(std::istreambuf_iterator<char>(log), std::istreambuf_iterator<char>());
    result.failed = 1;
    return result;
  }
  std::ifstream in(json_path);
  json script = json::parse(in);
  SpecRunner(work_dir, &result, options).run(script);
  return result;
}

}  // namespace bciin::wasm::testing
