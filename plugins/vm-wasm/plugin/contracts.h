// Contracts on chain: the ledger extension (create and call transactions, subtree "vm"), the
// contract hook the chain calls when value or a call reaches a contract, and the contract host
// interface (imports of module "bciin") over the BCIIN VM engine. docs/contracts.md has the
// formats, the host functions and their gas.
#pragma once

#include <bciin/chain/contract_state.h>
#include <bciin/chain/objects.h>
#include <bciin/sdk/ledger.hpp>
#include <bciin/wasm/engine.h>
#include <bciin/wasm/runtime.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bciin::vm {

using chain::Amount;
using chain::Bytes;
using chain::Hash;
using chain::PublicKey;

inline constexpr const char* kSubtree = chain::kContractSubtree;
inline constexpr char kHostModule[] = "bciin";
inline constexpr uint16_t kCreateTxType = chain::kContractCreateTxType;
inline constexpr uint16_t kCallTxType = chain::kContractCallTxType;
inline constexpr uint64_t kCreateBaseGas = 50'000;
inline constexpr uint64_t kCallBaseGas = 20'000;
inline constexpr size_t kMaxCode = chain::kMaxContractCode;
inline constexpr size_t kMaxInput = chain::kMaxContractInput;
inline constexpr size_t kMaxStorageKey = chain::kMaxContractStorageKey;
inline constexpr size_t kMaxStorageValue = 64 * 1024;
inline constexpr size_t kMaxReturn = chain::kMaxContractReturn;
inline constexpr size_t kMaxEvents = chain::kMaxContractEvents;

// Gas of the host functions, on top of the engine's kGasPerHostCall (a consensus schedule).
struct HostGas {
  static constexpr uint64_t kEnv = 2;              // caller, origin, self, value, height, time, hashes
  static constexpr uint64_t kPer8Bytes = 1;        // every byte copied between memory and host
  static constexpr uint64_t kBalance = 100;
  static constexpr uint64_t kStorageGet = 200;
  static constexpr uint64_t kStorageSet = 2'000;
  static constexpr uint64_t kStorageSetPerByte = 8;  // key + value
  static constexpr uint64_t kStorageDelete = 500;
  static constexpr uint64_t kTransfer = 1'000;
  static constexpr uint64_t kCall = 1'000;         // plus what the callee uses
  static constexpr uint64_t kCreate = 20'000;      // plus kCreatePerByte of code and the constructor
  static constexpr uint64_t kCreatePerByte = 16;
  static constexpr uint64_t kEmit = 200;
  static constexpr uint64_t kEmitPerByte = 4;
  static constexpr uint64_t kBlake2b = 50;         // plus 1 per 8 bytes hashed
  static constexpr uint64_t kEd25519Verify = 3'000;
};

// The transaction payloads and the state layout (docs/contracts.md) are the SDK's, shared with
// the API and clients.
using CreatePayload = chain::ContractCreatePayload;
using CallPayload = chain::ContractCallPayload;
using ContractAccount = chain::ContractAccount;
using Event = chain::ContractEvent;
using Receipt = chain::Receipt;
using chain::ContractAddress;
using chain::ReceiptStatus;
inline std::string AccountKey(const PublicKey& address) { return chain::ContractAccountKey(address); }
inline std::string CodeKey(const Hash& code_hash) { return chain::ContractCodeKey(code_hash); }
inline std::string StorageKey(const PublicKey& address, std::string_view key) {
  return chain::ContractStorageKey(address, key);
}
inline std::string ReceiptKey(const Hash& tx_hash) { return chain::ContractReceiptKey(tx_hash); }

struct VmOptions {
  size_t cache_modules = 64;
  wasm::RuntimeLimits limits;
};

class ContractVm : public sdk::LedgerExtensionBackend, public sdk::ContractHookBackend {
 public:
  explicit ContractVm(VmOptions options = {});
  ~ContractVm() override;

  const bciin_ledger_extension* extension_table() const { return ext_table_.table(); }
  const bciin_contract_hook* hook_table() const { return hook_table_.table(); }
  wasm::Engine& engine() { return engine_; }

  // Ledger extension.
  Status Check(uint16_t type, uint8_t version, std::string_view payload) override;
  Status Apply(uint16_t type, uint8_t version, std::string_view payload, const bciin_tx_context& context,
               const sdk::LedgerView& view) override;
  Status BeginBlock(const bciin_block_context& context, const sdk::LedgerView& view) override;

  // Contract hook.
  bool IsContract(const sdk::LedgerView& view, const uint8_t account[32]) override;
  Status Call(const bciin_tx_context& context, const sdk::LedgerView& view, const uint8_t contract[32],
              const uint8_t caller[32], bciin_amount value, std::string_view call_data, std::string* output) override;
  // Writes the failed receipt of the transaction whose contract run failed (the chain has undone
  // its changes).
  Status TxFailed(const bciin_tx_context& context, const sdk::LedgerView& view, std::string_view reason) override;

  // The VM service (bciin.vm/1).
  Status Deploy(std::string_view code, Hash* code_hash);
  // Runs `function` of cached code off chain (no chain: see vm.h).
  Status OffChainCall(const Hash& code_hash, const std::string& function, std::string_view input, uint64_t gas_limit,
                      std::string* output, uint64_t* gas_used);
  Status PureCall(const Hash& code_hash, const std::string& function, std::string_view state, std::string_view input,
                  uint64_t gas_limit, std::string* new_state, uint64_t* gas_used);

  struct Frame;

 private:
  void RegisterHostFunctions();
  Status LoadModule(const sdk::LedgerView* view, const Hash& code_hash,
                    std::shared_ptr<const wasm::CompiledModule>* out);
  // Instantiates and runs `entry` in a frame; the frame's gas is flushed to the view.
  wasm::Status Run(Frame& frame, std::shared_ptr<const wasm::CompiledModule> module, const char* entry,
                   bool entry_optional);

  std::vector<bciin_tx_type_decl> types_;
  sdk::LedgerExtensionTable ext_table_;
  sdk::ContractHookTable hook_table_;
  VmOptions options_;
  wasm::Engine engine_;
  wasm::HostFunctionRegistry hosts_;

  // The engine thread's contract call stack and what spans it.
  std::vector<Frame*> frames_;
  std::vector<Event> tx_events_;
  uint64_t next_gas_limit_ = 0;  // set by a parent frame for the sub-call it starts
  uint64_t last_child_gas_ = 0;  // gas the last finished frame used
  std::string last_child_revert_;
  std::map<uint64_t, Hash> entropy_;  // by height, from begin_block
  // The receipt of the last failed top-level run, by its transaction's hash, until TxFailed.
  std::optional<std::pair<Hash, Receipt>> failed_;
};

}  // namespace bciin::vm
