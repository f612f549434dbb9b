// vm-wasm: the BCIIN VM as a plugin. Provides bciin.vm/1 (deploy, off-chain call, pure-function
// mode), bciin.ledger-extension/1 (contract create/call transactions, subtree "vm") and
// bciin.contract-hook/1 (the chain runs a contract's code when value or a call reaches it).
#include "contracts.h"

#include <bciin/sdk/plugin.hpp>
#include <bciin/vm.h>

#include <fmt/format.h>

#include <memory>

namespace {

using bciin::Status;
namespace vm = bciin::vm;

void Append(bciin_sink sink, const std::string& data) {
  if (!data.empty()) sink.write(sink.context, reinterpret_cast<const uint8_t*>(data.data()), data.size());
}
std::string_view View(bciin_span s) { return {reinterpret_cast<const char*>(s.data), s.size}; }
bciin::chain::Hash HashOf(const uint8_t* p) {
  bciin::chain::Hash h;
  std::copy(p, p + 32, h.begin());
  return h;
}

class VmWasmPlugin : public bciin::sdk::Plugin {
 public:
  explicit VmWasmPlugin(bciin::sdk::Host host) : Plugin(host) {
    vm::VmOptions o;
    o.cache_modules = host.GetUint("cache-modules", 64);
    o.limits.max_memory_pages = static_cast<uint32_t>(host.GetUint("max-memory-pages", 1024));
    if (o.cache_modules == 0 || o.limits.max_memory_pages == 0 || o.limits.max_memory_pages > 65536)
      throw bciin::sdk::Error(Status::InvalidArgument("cache-modules and max-memory-pages (1..65536) must be positive"));
    vm_ = std::make_unique<vm::ContractVm>(o);
    service_.header = {sizeof(bciin_vm_service), BCIIN_VM_SERVICE_ID, BCIIN_VM_SERVICE_VERSION, vm_.get()};
    service_.deploy = [](void* inst, bciin_span code, uint8_t code_hash[32], bciin_error* e) -> int32_t {
      return bciin::sdk::ledgerdetail::Guard(e, "deploy", [&] {
        bciin::chain::Hash h;
        Status s = static_cast<vm::ContractVm*>(inst)->Deploy(View(code), &h);
        if (s.ok()) std::copy(h.begin(), h.end(), code_hash);
        return s;
      });
    };
    service_.call = [](void* inst, const uint8_t code_hash[32], const char* function, bciin_span input,
                       uint64_t gas_limit, bciin_sink output, uint64_t* gas_used, bciin_error* e) -> int32_t {
      return bciin::sdk::ledgerdetail::Guard(e, "call", [&] {
        std::string out;
        uint64_t used = 0;
        Status s = static_cast<vm::ContractVm*>(inst)->OffChainCall(HashOf(code_hash), function ? function : "call",
                                                                   View(input), gas_limit, &out, &used);
        if (gas_used) *gas_used = used;
        if (s.ok()) Append(output, out);
        return s;
      });
    };
    service_.pure_call = [](void* inst, const uint8_t code_hash[32], const char* function, bciin_span state,
                            bciin_span input, uint64_t gas_limit, bciin_sink new_state, uint64_t* gas_used,
                            bciin_error* e) -> int32_t {
      return bciin::sdk::ledgerdetail::Guard(e, "pure_call", [&] {
        if (function == nullptr) return Status::InvalidArgument("pure_call needs a function name");
        std::string out;
        uint64_t used = 0;
        Status s = static_cast<vm::ContractVm*>(inst)->PureCall(HashOf(code_hash), function, View(state), View(input),
                                                               gas_limit, &out, &used);
        if (gas_used) *gas_used = used;
        if (s.ok()) Append(new_state, out);
        return s;
      });
    };
    host.Info(fmt::format("vm-wasm: contracts in subtree \"{}\", {} cached modules, {} memory pages at most",
                          vm::kSubtree, o.cache_modules, o.limits.max_memory_pages));
  }

  const bciin_service_header* Service(std::string_view id) override {
    if (id == BCIIN_VM_SERVICE_ID) return &service_.header;
    if (id == BCIIN_LEDGER_EXTENSION_SERVICE_ID) return &vm_->extension_table()->header;
    if (id == BCIIN_CONTRACT_HOOK_SERVICE_ID) return &vm_->hook_table()->header;
    return nullptr;
  }

 private:
  std::unique_ptr<vm::ContractVm> vm_;
  bciin_vm_service service_{};
};

}  // namespace

BCIIN_PLUGIN(VmWasmPlugin)
