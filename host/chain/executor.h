// Executes transactions and blocks against a StateView: the seed's processing steps.
//
// For each transaction (after the stateless checks and the signature):
//   1. TTL: a tx with ttl != 0 is valid up to and including height ttl.
//   2. The sender's account is loaded and its maintenance fee accrued; nonce must be account
//      nonce + 1 ("nonce too low" / "nonce too high").
//   3. fee = gas x gas_price (checked); the sender must hold it ("insufficient balance");
//      it is deducted and the nonce incremented.
//   4. The extension registered for the type applies the payload (a spend transfers, creating
//      the recipient, and calls the recipient's code if it is a contract).
//   5. A run-time failure (REJECTED, RESOURCE) undoes step 4 but keeps step 3: the fee for the
//      gas used (all of it when out of gas) goes to the beneficiary. Any other error makes the
//      transaction invalid and undoes everything.
//   6. Unused gas is refunded; the gas used, times the price, goes to the beneficiary.
// Steps 1-3 and 5 are invalidity; the outcome (success, or failure with its reason) is recorded.
#pragma once

#include "genesis.h"
#include "state.h"

#include <bciin/sdk/ledger.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bciin::chain {

struct BlockEnv {
  uint64_t height = 0;
  uint64_t time_ms = 0;
  PublicKey beneficiary{};
  Hash entropy{};
};

struct TxOutcome {
  uint8_t success = 1;
  uint64_t gas_used = 0;
  std::string error;  // the run-time failure, empty on success

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U8(success);
    io.U64(gas_used);
    io.Str(error, 512);
  }
};

class Executor {
 public:
  // `extensions` must include the built-in accounts extension (AccountsExtension below).
  // `hook` may be null (no VM: no account is a contract).
  static Status Create(const ChainParams& params,
                       std::vector<const bciin_ledger_extension*> extensions,
                       const bciin_contract_hook* hook, std::unique_ptr<Executor>* out);

  const ChainParams& params() const { return params_; }
  // The roots of an empty state: one zero root per registered subtree.
  StateRoots EmptyRoots() const;

  // Size, type, version, gas price, gas limit versus intrinsic gas, payload format. Not the
  // signature (CheckSignature) and nothing that needs the state.
  Status CheckStateless(const SignedTx& stx, size_t encoded_size, uint64_t* intrinsic_gas) const;
  // `encoded` is Encode(stx).
  bool CheckSignature(const SignedTx& stx, ByteView encoded) const;

  Status ApplyGenesis(const Genesis& genesis, StateView& view) const;
  Status BeginBlock(const BlockEnv& env, StateView& view) const;
  // Non-ok: the tx is invalid and `view` is as before. Ok: `outcome` says success or failure.
  Status ApplyTx(const BlockEnv& env, const SignedTx& stx, const Hash& tx_hash,
                 uint64_t intrinsic_gas, StateView& view, TxOutcome* outcome) const;
  Status EndBlock(const BlockEnv& env, StateView& view) const;
  // After a run-time failure was undone: lets the contract hook record it (tx_failed).
  Status RecordFailure(const bciin_tx_context& ctx, StateView& view, const std::string& reason) const;

  // Accounts (the "accounts" subtree); nullopt when absent.
  static Status LoadAccount(StateView& view, const PublicKey& key, std::optional<Account>* out);

  // Internal to the view API, public for its C trampolines.
  Status Credit(StateView& view, uint64_t height, const PublicKey& key, Amount amount) const;
  Status Debit(StateView& view, uint64_t height, const PublicKey& key, Amount amount) const;
  // Loads `key` with the maintenance fee accrued up to `height`.
  Status Touch(StateView& view, uint64_t height, const PublicKey& key, Account* out) const;
  static void Store(StateView& view, const PublicKey& key, const Account& account);
  const bciin_contract_hook* hook() const { return hook_; }

 private:
  struct TypeEntry {
    const bciin_ledger_extension* ext;
    bciin_tx_type_decl decl;
  };
  Executor() = default;

  ChainParams params_;
  std::vector<sdk::LedgerExtensionClient> extensions_;  // sorted by subtree
  std::map<uint16_t, TypeEntry> types_;
  const bciin_contract_hook* hook_ = nullptr;
};

// The built-in extension: subtree "accounts" and the spend transaction (type 12).
class AccountsExtension : public sdk::LedgerExtensionBackend {
 public:
  AccountsExtension();
  const bciin_ledger_extension* table() const { return table_.table(); }

  Status Check(uint16_t type, uint8_t version, std::string_view payload) override;
  Status Apply(uint16_t type, uint8_t version, std::string_view payload,
               const bciin_tx_context& context, const sdk::LedgerView& view) override;

 private:
  std::vector<bciin_tx_type_decl> types_;
  sdk::LedgerExtensionTable table_;
};

}  // namespace bciin::chain
