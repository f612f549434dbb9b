// C++ faces of bciin.ledger-extension/1 and bciin.contract-hook/1 (ledger.h).
//   LedgerView                 what an extension's apply() works with
//   LedgerExtensionBackend     what an extension implements; LedgerExtensionTable exposes it
//   LedgerExtensionClient      what the engine calls
//   ContractHookBackend/Table/Client   the same for a VM's contract hook
// Header-only.
#pragma once

#include <bciin/ledger.h>
#include <bciin/sdk/status.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace bciin::sdk {
inline namespace v1 {

namespace ledgerdetail {
inline bciin_span Span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view View(bciin_span s) { return {reinterpret_cast<const char*>(s.data), s.size}; }
inline void AppendTo(void* context, const uint8_t* data, size_t size) {
  static_cast<std::string*>(context)->append(reinterpret_cast<const char*>(data), size);
}
inline Status FromC(int32_t rc, const bciin_error& e) {
  return rc == BCIIN_OK ? Status() : Status::FromError(e);
}
template <class Fn>
int32_t Guard(bciin_error* e, const char* what, Fn&& fn) noexcept {
  try {
    return fn().ToError(e);
  } catch (const std::exception& ex) {
    return Status::Internal(std::string(what) + ": " + ex.what()).ToError(e);
  } catch (...) {
    return Status::Internal(std::string(what) + ": a non-standard exception").ToError(e);
  }
}
}  // namespace ledgerdetail

// The state as a transaction sees it (see bciin_ledger_view_api for each call's contract).
class LedgerView {
 public:
  LedgerView(const bciin_ledger_view_api* api, bciin_ledger_view* view) : api_(api), view_(view) {}

  // NotFound when absent. `subtree` empty: the caller's own.
  Status Get(std::string_view key, std::string* value, const std::string& subtree = {}) const {
    value->clear();
    bciin_error e{};
    return ledgerdetail::FromC(api_->get(view_, subtree.empty() ? nullptr : subtree.c_str(),
                                         ledgerdetail::Span(key),
                                         bciin_sink{value, &ledgerdetail::AppendTo}, &e),
                               e);
  }
  Status Put(std::string_view key, std::string_view value) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->put(view_, ledgerdetail::Span(key), ledgerdetail::Span(value), &e), e);
  }
  Status Erase(std::string_view key) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->erase(view_, ledgerdetail::Span(key), &e), e);
  }
  Status Balance(const uint8_t account[32], bciin_amount* out) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->balance(view_, account, out, &e), e);
  }
  Status Transfer(const uint8_t from[32], const uint8_t to[32], bciin_amount amount) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->transfer(view_, from, to, amount, &e), e);
  }
  Status Debit(const uint8_t account[32], bciin_amount amount) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->debit(view_, account, amount, &e), e);
  }
  Status Credit(const uint8_t account[32], bciin_amount amount) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->credit(view_, account, amount, &e), e);
  }
  Status ChargeGas(uint64_t gas) const {
    bciin_error e{};
    return ledgerdetail::FromC(api_->charge_gas(view_, gas, &e), e);
  }
  bool IsContract(const uint8_t account[32]) const { return api_->is_contract(view_, account) != 0; }
  Status CallContract(const uint8_t contract[32], const uint8_t caller[32], bciin_amount value,
                      std::string_view call_data, std::string* output) const {
    output->clear();
    bciin_error e{};
    return ledgerdetail::FromC(api_->call_contract(view_, contract, caller, value,
                                                   ledgerdetail::Span(call_data),
                                                   bciin_sink{output, &ledgerdetail::AppendTo}, &e),
                               e);
  }

  const bciin_ledger_view_api* api() const { return api_; }
  bciin_ledger_view* view() const { return view_; }

 private:
  const bciin_ledger_view_api* api_;
  bciin_ledger_view* view_;
};

// What a ledger extension implements. Result conventions: see ledger.h.
class LedgerExtensionBackend {
 public:
  virtual ~LedgerExtensionBackend() = default;
  virtual Status Check(uint16_t type, uint8_t version, std::string_view payload) = 0;
  virtual Status Apply(uint16_t type, uint8_t version, std::string_view payload,
                       const bciin_tx_context& context, const LedgerView& view) = 0;
  virtual Status BeginBlock(const bciin_block_context& /*context*/, const LedgerView& /*view*/) {
    return Status();
  }
  virtual Status Genesis(std::string_view /*config_json*/, const LedgerView& /*view*/) {
    return Status();
  }
};

// The C table over a backend. `subtree` and `types` must outlive the table.
class LedgerExtensionTable {
 public:
  LedgerExtensionTable(LedgerExtensionBackend* b, const char* subtree,
                       const std::vector<bciin_tx_type_decl>& types,
                       const char* version = BCIIN_LEDGER_EXTENSION_SERVICE_VERSION) {
    t_.header = {sizeof(bciin_ledger_extension), BCIIN_LEDGER_EXTENSION_SERVICE_ID, version, b};
    t_.subtree = subtree;
    t_.tx_types = types.data();
    t_.tx_type_count = static_cast<uint32_t>(types.size());
    t_.check = [](void* inst, uint16_t type, uint8_t v, bciin_span payload, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "check", [&] { return B(inst)->Check(type, v, ledgerdetail::View(payload)); });
    };
    t_.apply = [](void* inst, uint16_t type, uint8_t v, bciin_span payload, const bciin_tx_context* ctx,
                  const bciin_ledger_view_api* api, bciin_ledger_view* view, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "apply", [&] {
        return B(inst)->Apply(type, v, ledgerdetail::View(payload), *ctx, LedgerView(api, view));
      });
    };
    t_.begin_block = [](void* inst, const bciin_block_context* ctx, const bciin_ledger_view_api* api,
                        bciin_ledger_view* view, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "begin_block", [&] { return B(inst)->BeginBlock(*ctx, LedgerView(api, view)); });
    };
    t_.genesis = [](void* inst, bciin_span config, const bciin_ledger_view_api* api,
                    bciin_ledger_view* view, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "genesis", [&] {
        return B(inst)->Genesis(ledgerdetail::View(config), LedgerView(api, view));
      });
    };
  }
  const bciin_ledger_extension* table() const { return &t_; }
  const bciin_service_header* header() const { return &t_.header; }

 private:
  static LedgerExtensionBackend* B(void* inst) { return static_cast<LedgerExtensionBackend*>(inst); }
  bciin_ledger_extension t_{};
};

// The engine's handle on one extension.
class LedgerExtensionClient {
 public:
  LedgerExtensionClient() = default;
  explicit LedgerExtensionClient(const bciin_ledger_extension* t) : t_(t) {}
  static Status From(const bciin_service_header* header, LedgerExtensionClient* out) {
    if (header == nullptr) return Status::NotFound("no " BCIIN_LEDGER_EXTENSION_SERVICE_ID " service");
    if (std::string_view(header->id) != BCIIN_LEDGER_EXTENSION_SERVICE_ID ||
        header->size < sizeof(bciin_ledger_extension))
      return Status::Unsupported(std::string("not a " BCIIN_LEDGER_EXTENSION_SERVICE_ID " table: ") + header->id);
    *out = LedgerExtensionClient(reinterpret_cast<const bciin_ledger_extension*>(header));
    return Status();
  }
  const bciin_ledger_extension* table() const { return t_; }
  std::string subtree() const { return t_->subtree; }

  Status Check(uint16_t type, uint8_t version, std::string_view payload) const {
    bciin_error e{};
    return ledgerdetail::FromC(t_->check(t_->header.instance, type, version, ledgerdetail::Span(payload), &e), e);
  }
  Status Apply(uint16_t type, uint8_t version, std::string_view payload, const bciin_tx_context& ctx,
               const bciin_ledger_view_api* api, bciin_ledger_view* view) const {
    bciin_error e{};
    return ledgerdetail::FromC(
        t_->apply(t_->header.instance, type, version, ledgerdetail::Span(payload), &ctx, api, view, &e), e);
  }
  Status BeginBlock(const bciin_block_context& ctx, const bciin_ledger_view_api* api,
                    bciin_ledger_view* view) const {
    if (!t_->begin_block) return Status();
    bciin_error e{};
    return ledgerdetail::FromC(t_->begin_block(t_->header.instance, &ctx, api, view, &e), e);
  }
  Status Genesis(std::string_view config, const bciin_ledger_view_api* api, bciin_ledger_view* view) const {
    if (!t_->genesis) return Status();
    bciin_error e{};
    return ledgerdetail::FromC(t_->genesis(t_->header.instance, ledgerdetail::Span(config), api, view, &e), e);
  }

 private:
  const bciin_ledger_extension* t_ = nullptr;
};

// ---- The contract hook ----------------------------------------------------------------------

class ContractHookBackend {
 public:
  virtual ~ContractHookBackend() = default;
  virtual bool IsContract(const LedgerView& view, const uint8_t account[32]) = 0;
  virtual Status Call(const bciin_tx_context& context, const LedgerView& view,
                      const uint8_t contract[32], const uint8_t caller[32], bciin_amount value,
                      std::string_view call_data, std::string* output) = 0;
  // After a transaction failed at run time and its changes were undone (bciin_contract_hook::tx_failed).
  virtual Status TxFailed(const bciin_tx_context& /*context*/, const LedgerView& /*view*/, std::string_view /*reason*/) {
    return Status();
  }
};

class ContractHookTable {
 public:
  // `subtree` (may be null): the VM's own subtree, see bciin_contract_hook::subtree.
  explicit ContractHookTable(ContractHookBackend* b,
                             const char* version = BCIIN_CONTRACT_HOOK_SERVICE_VERSION,
                             const char* subtree = nullptr) {
    t_.header = {sizeof(bciin_contract_hook), BCIIN_CONTRACT_HOOK_SERVICE_ID, version, b};
    t_.subtree = subtree;
    t_.is_contract = [](void* inst, const bciin_ledger_view_api* api, bciin_ledger_view* view,
                        const uint8_t account[32]) -> int32_t {
      try {
        return static_cast<ContractHookBackend*>(inst)->IsContract(LedgerView(api, view), account) ? 1 : 0;
      } catch (...) {
        return 0;
      }
    };
    t_.call = [](void* inst, const bciin_tx_context* ctx, const bciin_ledger_view_api* api,
                 bciin_ledger_view* view, const uint8_t contract[32], const uint8_t caller[32],
                 bciin_amount value, bciin_span data, bciin_sink out, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "contract call", [&] {
        std::string output;
        Status s = static_cast<ContractHookBackend*>(inst)->Call(
            *ctx, LedgerView(api, view), contract, caller, value, ledgerdetail::View(data), &output);
        if (s.ok()) out.write(out.context, reinterpret_cast<const uint8_t*>(output.data()), output.size());
        return s;
      });
    };
    t_.tx_failed = [](void* inst, const bciin_tx_context* ctx, const bciin_ledger_view_api* api,
                      bciin_ledger_view* view, bciin_span reason, bciin_error* e) -> int32_t {
      return ledgerdetail::Guard(e, "contract tx_failed", [&] {
        return static_cast<ContractHookBackend*>(inst)->TxFailed(*ctx, LedgerView(api, view),
                                                                 ledgerdetail::View(reason));
      });
    };
  }
  const bciin_contract_hook* table() const { return &t_; }
  const bciin_service_header* header() const { return &t_.header; }

 private:
  bciin_contract_hook t_{};
};

}  // namespace v1
}  // namespace bciin::sdk
