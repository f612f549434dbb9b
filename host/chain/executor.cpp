#include "executor.h"

#include <bciin/chain/address.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <utility>
#include <set>

namespace bciin::chain {

namespace {

constexpr int kMaxCallDepth = 16;

// What a bciin_ledger_view* points to while an extension runs.
struct ViewContext {
  const Executor* executor;
  StateView* state;
  std::string subtree;  // the running extension's own subtree
  uint64_t height;
  const bciin_tx_context* tx;  // null outside a transaction (begin_block, genesis)
  uint64_t gas_limit;
  uint64_t gas_used;
  int depth;
};

ViewContext* Ctx(bciin_ledger_view* v) { return reinterpret_cast<ViewContext*>(v); }
PublicKey Key32(const uint8_t* p) {
  PublicKey k;
  std::memcpy(k.data(), p, 32);
  return k;
}

int32_t ViewGet(bciin_ledger_view* v, const char* subtree, bciin_span key, bciin_sink out,
                bciin_error* e) {
  ViewContext* c = Ctx(v);
  const std::string_view name = subtree ? std::string_view(subtree) : std::string_view(c->subtree);
  const Bytes* value = nullptr;
  Status s = c->state->Find(name, AsView(key), &value);
  if (!s.ok()) return s.ToError(e);
  if (!value) return Status::NotFound("key").ToError(e);
  out.write(out.context, value->data(), value->size());
  return BCIIN_OK;
}

int32_t ViewPut(bciin_ledger_view* v, bciin_span key, bciin_span value, bciin_error* e) {
  ViewContext* c = Ctx(v);
  if (key.size == 0 || key.size > kMaxStateKey)
    return Status::InvalidArgument("state key of " + std::to_string(key.size) + " bytes").ToError(e);
  if (value.size > kSmtMaxValue)
    return Status::InvalidArgument("state value over 1 MiB").ToError(e);
  if (c->subtree == kAccountsSubtree && c->tx != nullptr)
    return Status::InvalidArgument("accounts change only through balance calls").ToError(e);
  c->state->Put(c->subtree, AsView(key), AsView(value));
  return BCIIN_OK;
}

int32_t ViewErase(bciin_ledger_view* v, bciin_span key, bciin_error* e) {
  ViewContext* c = Ctx(v);
  if (key.size == 0 || key.size > kMaxStateKey)
    return Status::InvalidArgument("state key of " + std::to_string(key.size) + " bytes").ToError(e);
  c->state->Erase(c->subtree, AsView(key));
  return BCIIN_OK;
}

int32_t ViewBalance(bciin_ledger_view* v, const uint8_t account[32], bciin_amount* out, bciin_error* e) {
  std::optional<Account> a;
  Status s = Executor::LoadAccount(*Ctx(v)->state, Key32(account), &a);
  if (!s.ok()) return s.ToError(e);
  *out = a ? a->balance.ToC() : Amount().ToC();
  return BCIIN_OK;
}

int32_t ViewDebit(bciin_ledger_view* v, const uint8_t account[32], bciin_amount amount, bciin_error* e) {
  ViewContext* c = Ctx(v);
  size_t cp = c->state->Checkpoint();
  Status s = c->executor->Debit(*c->state, c->height, Key32(account), Amount::FromC(amount));
  if (!s.ok()) c->state->Rollback(cp);
  return s.ToError(e);
}

int32_t ViewCredit(bciin_ledger_view* v, const uint8_t account[32], bciin_amount amount, bciin_error* e) {
  ViewContext* c = Ctx(v);
  size_t cp = c->state->Checkpoint();
  Status s = c->executor->Credit(*c->state, c->height, Key32(account), Amount::FromC(amount));
  if (!s.ok()) c->state->Rollback(cp);
  return s.ToError(e);
}

int32_t ViewTransfer(bciin_ledger_view* v, const uint8_t from[32], const uint8_t to[32],
                     bciin_amount amount, bciin_error* e) {
  ViewContext* c = Ctx(v);
  size_t cp = c->state->Checkpoint();
  Status s = c->executor->Debit(*c->state, c->height, Key32(from), Amount::FromC(amount));
  if (s.ok()) s = c->executor->Credit(*c->state, c->height, Key32(to), Amount::FromC(amount));
  if (!s.ok()) c->state->Rollback(cp);
  return s.ToError(e);
}

int32_t ViewChargeGas(bciin_ledger_view* v, uint64_t gas, bciin_error* e) {
  ViewContext* c = Ctx(v);
  if (c->tx == nullptr) return BCIIN_OK;  // no metering outside transactions
  if (gas > c->gas_limit - c->gas_used) {
    c->gas_used = c->gas_limit;
    return Status::ResourceExhausted("out of gas").ToError(e);
  }
  c->gas_used += gas;
  return BCIIN_OK;
}

extern const bciin_ledger_view_api kViewApi;

int32_t ViewIsContract(bciin_ledger_view* v, const uint8_t account[32]) {
  const bciin_contract_hook* hook = Ctx(v)->executor->hook();
  if (hook == nullptr) return 0;
  return hook->is_contract(hook->header.instance, &kViewApi, v, account);
}

int32_t ViewCallContract(bciin_ledger_view* v, const uint8_t contract[32], const uint8_t caller[32],
                         bciin_amount value, bciin_span data, bciin_sink out, bciin_error* e) {
  ViewContext* c = Ctx(v);
  const bciin_contract_hook* hook = c->executor->hook();
  if (hook == nullptr) return Status::Unsupported("no VM is loaded to run contract code").ToError(e);
  if (c->tx == nullptr) return Status::Unsupported("contracts run only inside transactions").ToError(e);
  if (c->depth >= kMaxCallDepth) return Status::Rejected("contract call depth over 16").ToError(e);
  ++c->depth;
  size_t cp = c->state->Checkpoint();
  // The contract's code writes to the VM's own subtree, whoever called it (a spend runs in
  // "accounts"); the caller's subtree is restored afterwards.
  std::string caller_subtree;
  const bool own_subtree = hook->header.size >= offsetof(bciin_contract_hook, subtree) + sizeof(hook->subtree) &&
                           hook->subtree != nullptr;
  if (own_subtree) {
    if (!c->state->HasSubtree(hook->subtree)) {
      --c->depth;
      return Status::Internal(std::string("the VM's subtree ") + hook->subtree + " is not registered").ToError(e);
    }
    caller_subtree = std::exchange(c->subtree, hook->subtree);
  }
  int32_t rc = hook->call(hook->header.instance, c->tx, &kViewApi, v, contract, caller, value, data, out, e);
  if (own_subtree) c->subtree = std::move(caller_subtree);
  if (rc != BCIIN_OK) c->state->Rollback(cp);
  --c->depth;
  return rc;
}

const bciin_ledger_view_api kViewApi = {
    sizeof(bciin_ledger_view_api), &ViewGet,      &ViewPut,       &ViewErase,
    &ViewBalance,                  &ViewTransfer, &ViewDebit,     &ViewCredit,
    &ViewChargeGas,                &ViewIsContract, &ViewCallContract,
};

bciin_ledger_view* AsView(ViewContext* c) { return reinterpret_cast<bciin_ledger_view*>(c); }

bool IsRunTimeFailure(const Status& s) {
  return s.is(BCIIN_ERR_REJECTED) || s.is(BCIIN_ERR_RESOURCE);
}

}  // namespace

// ---- Executor -------------------------------------------------------------------------------

Status Executor::Create(const ChainParams& params, std::vector<const bciin_ledger_extension*> extensions,
                        const bciin_contract_hook* hook, std::unique_ptr<Executor>* out) {
  std::unique_ptr<Executor> ex(new Executor());
  ex->params_ = params;
  ex->hook_ = hook;
  std::set<std::string> subtrees;
  for (const bciin_ledger_extension* t : extensions) {
    sdk::LedgerExtensionClient client;
    BCIIN_RETURN_IF_ERROR(sdk::LedgerExtensionClient::From(&t->header, &client));
    std::string name = t->subtree ? t->subtree : "";
    bool valid_name = !name.empty() && name.size() <= kMaxSubtreeName &&
                      std::all_of(name.begin(), name.end(), [](char ch) {
                        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
                      });
    if (!valid_name) return Status::InvalidArgument("ledger extension subtree name '" + name + "' is not [a-z0-9-]{1,32}");
    if (!subtrees.insert(name).second)
      return Status::AlreadyExists("two ledger extensions claim the state subtree '" + name + "'");
    for (uint32_t i = 0; i < t->tx_type_count; ++i) {
      const bciin_tx_type_decl& d = t->tx_types[i];
      if (ex->types_.count(d.type))
        return Status::AlreadyExists("transaction type " + std::to_string(d.type) + " registered by both '" +
                                     ex->types_[d.type].ext->subtree + "' and '" + name + "'");
      ex->types_[d.type] = {t, d};
    }
    ex->extensions_.push_back(client);
  }
  if (!subtrees.count(kAccountsSubtree)) return Status::InvalidArgument("the accounts extension is missing");
  std::sort(ex->extensions_.begin(), ex->extensions_.end(),
            [](const auto& a, const auto& b) { return a.subtree() < b.subtree(); });
  if (ex->extensions_.size() > kMaxSubtrees) return Status::ResourceExhausted("too many ledger extensions");
  *out = std::move(ex);
  return Status();
}

StateRoots Executor::EmptyRoots() const {
  StateRoots r;
  for (const auto& e : extensions_) r.subtrees.push_back({e.subtree(), kZeroHash});
  return r;
}

Status Executor::CheckStateless(const SignedTx& stx, size_t encoded_size, uint64_t* intrinsic_gas) const {
  const Tx& tx = stx.tx;
  if (encoded_size > params_.max_tx_bytes)
    return Status::InvalidArgument("oversized transaction: " + std::to_string(encoded_size) +
                                   " bytes, the limit is " + std::to_string(params_.max_tx_bytes));
  auto it = types_.find(tx.type);
  if (it == types_.end()) return Status::Unsupported("unknown transaction type " + std::to_string(tx.type));
  const bciin_tx_type_decl& d = it->second.decl;
  if (tx.version < d.min_version || tx.version > d.max_version)
    return Status::Unsupported("transaction type " + std::string(d.name) + " version " +
                               std::to_string(tx.version) + " is not supported");
  if (tx.gas_price < params_.min_gas_price)
    return Status::Rejected("gas price " + std::to_string(tx.gas_price) + " below the minimum " +
                            std::to_string(params_.min_gas_price));
  // Intrinsic gas: the type's base gas plus per byte of the unsigned envelope.
  const uint64_t unsigned_size = encoded_size - 1 - sizeof(Signature);
  uint64_t intrinsic = d.base_gas + kGasPerByte * unsigned_size;
  if (tx.gas < intrinsic)
    return Status::Rejected("gas limit " + std::to_string(tx.gas) + " below the intrinsic gas " +
                            std::to_string(intrinsic));
  if (tx.gas > params_.block_gas_limit)
    return Status::Rejected("gas limit " + std::to_string(tx.gas) + " above the block gas limit");
  if (!Amount::Mul64(tx.gas, tx.gas_price)) return Status::InvalidArgument("amount overflow: gas x gas price");
  sdk::LedgerExtensionClient ext(it->second.ext);
  BCIIN_RETURN_IF_ERROR(ext.Check(tx.type, tx.version, AsString(tx.payload)).WithContext(d.name));
  *intrinsic_gas = intrinsic;
  return Status();
}

bool Executor::CheckSignature(const SignedTx& stx, ByteView encoded) const {
  return CheckTxSignature(params_.network_id, stx, encoded);
}

Status Executor::LoadAccount(StateView& view, const PublicKey& key, std::optional<Account>* out) {
  const Bytes* raw = nullptr;
  BCIIN_RETURN_IF_ERROR(view.Find(kAccountsSubtree, key, &raw));
  if (!raw) {
    *out = std::nullopt;
    return Status();
  }
  Account a;
  Status s = DecodeAccount(*raw, &a);  // written by this engine
  if (!s.ok()) return Status::Corruption(s.message());
  *out = a;
  return Status();
}

void Executor::Store(StateView& view, const PublicKey& key, const Account& account) {
  std::array<uint8_t, kAccountEncodedSize> encoded;
  EncodeAccount(account, &encoded);
  view.Put(kAccountsSubtree, key, encoded);
}

Status Executor::Touch(StateView& view, uint64_t height, const PublicKey& key, Account* out) const {
  std::optional<Account> a;
  BCIIN_RETURN_IF_ERROR(LoadAccount(view, key, &a));
  Account acc = a ? *a : Account{Amount(), 0, height};
  if (a && height > acc.updated_height && !params_.maintenance_fee_per_block.IsZero()) {
    auto due = params_.maintenance_fee_per_block.Mul(Amount(height - acc.updated_height));
    acc.balance = (!due || *due > acc.balance) ? Amount() : *acc.balance.Sub(*due);
  }
  acc.updated_height = std::max(acc.updated_height, height);
  *out = acc;
  return Status();
}

Status Executor::Credit(StateView& view, uint64_t height, const PublicKey& key, Amount amount) const {
  Account acc;
  BCIIN_RETURN_IF_ERROR(Touch(view, height, key, &acc));
  auto sum = acc.balance.Add(amount);
  if (!sum) return Status::ResourceExhausted("amount overflow: the balance of " + AccountId(key) + " would overflow");
  acc.balance = *sum;
  Store(view, key, acc);
  return Status();
}

Status Executor::Debit(StateView& view, uint64_t height, const PublicKey& key, Amount amount) const {
  Account acc;
  BCIIN_RETURN_IF_ERROR(Touch(view, height, key, &acc));
  auto rest = acc.balance.Sub(amount);
  if (!rest)
    return Status::Rejected("insufficient balance: " + AccountId(key) + " holds " + acc.balance.ToString() +
                            ", needs " + amount.ToString());
  acc.balance = *rest;
  Store(view, key, acc);
  return Status();
}

Status Executor::ApplyGenesis(const Genesis& genesis, StateView& view) const {
  for (const GenesisAllocation& a : genesis.accounts) Store(view, a.account, Account{a.balance, 0, 0});
  for (const auto& ext : extensions_) {
    if (ext.subtree() == kAccountsSubtree) continue;
    auto it = genesis.extension_config.find(ext.subtree());
    std::string config = it == genesis.extension_config.end() ? "null" : it->second;
    ViewContext c{this, &view, ext.subtree(), 0, nullptr, 0, 0, 0};
    BCIIN_RETURN_IF_ERROR(ext.Genesis(config, &kViewApi, AsView(&c)).WithContext("genesis of " + ext.subtree()));
  }
  for (const auto& [name, _] : genesis.extension_config) {
    bool known = std::any_of(extensions_.begin(), extensions_.end(), [&](const auto& e) { return e.subtree() == name; });
    if (!known) return Status::InvalidArgument("genesis configures extension '" + name + "', which is not loaded");
  }
  return Status();
}

Status Executor::BeginBlock(const BlockEnv& env, StateView& view) const {
  bciin_block_context ctx{sizeof(bciin_block_context), env.height, env.time_ms, {}, {}};
  std::memcpy(ctx.beneficiary, env.beneficiary.data(), 32);
  std::memcpy(ctx.entropy, env.entropy.data(), 32);
  for (const auto& ext : extensions_) {
    ViewContext c{this, &view, ext.subtree(), env.height, nullptr, 0, 0, 0};
    BCIIN_RETURN_IF_ERROR(ext.BeginBlock(ctx, &kViewApi, AsView(&c)).WithContext("begin block of " + ext.subtree()));
  }
  return Status();
}

Status Executor::ApplyTx(const BlockEnv& env, const SignedTx& stx, const Hash& tx_hash,
                         uint64_t intrinsic_gas, StateView& view, TxOutcome* outcome) const {
  const Tx& tx = stx.tx;
  const size_t cp0 = view.Checkpoint();
  auto invalid = [&](Status s) {
    view.Rollback(cp0);
    return s;
  };
  if (tx.ttl != 0 && env.height > tx.ttl)
    return invalid(Status::Rejected("expired: ttl " + std::to_string(tx.ttl) + " is below height " +
                                    std::to_string(env.height)));
  auto it = types_.find(tx.type);
  if (it == types_.end()) return invalid(Status::Unsupported("unknown transaction type " + std::to_string(tx.type)));

  Account sender;
  Status s = Touch(view, env.height, tx.sender, &sender);
  if (!s.ok()) return invalid(s);
  if (tx.nonce <= sender.nonce)
    return invalid(Status::Rejected("nonce too low: " + std::to_string(tx.nonce) + ", the account is at " +
                                    std::to_string(sender.nonce)));
  if (tx.nonce > sender.nonce + 1)
    return invalid(Status::Rejected("nonce too high: " + std::to_string(tx.nonce) + ", expected " +
                                    std::to_string(sender.nonce + 1)));
  auto fee = Amount::Mul64(tx.gas, tx.gas_price);
  if (!fee) return invalid(Status::InvalidArgument("amount overflow: gas x gas price"));
  auto rest = sender.balance.Sub(*fee);
  if (!rest)
    return invalid(Status::Rejected("insufficient balance for the fee: holds " + sender.balance.ToString() +
                                    ", the fee is " + fee->ToString()));
  sender.balance = *rest;
  sender.nonce = tx.nonce;
  Store(view, tx.sender, sender);

  bciin_tx_context ctx{};
  ctx.size = sizeof(ctx);
  ctx.height = env.height;
  ctx.time_ms = env.time_ms;
  std::memcpy(ctx.sender, tx.sender.data(), 32);
  std::memcpy(ctx.beneficiary, env.beneficiary.data(), 32);
  std::memcpy(ctx.tx_hash, tx_hash.data(), 32);
  ctx.nonce = tx.nonce;
  ctx.gas_limit = tx.gas;
  ctx.gas_price = tx.gas_price;
  ctx.network_id = AsSpan(AsView(params_.network_id));

  const size_t cp1 = view.Checkpoint();
  ViewContext c{this, &view, it->second.ext->subtree, env.height, &ctx, tx.gas, intrinsic_gas, 0};
  sdk::LedgerExtensionClient ext(it->second.ext);
  s = ext.Apply(tx.type, tx.version, AsString(tx.payload), ctx, &kViewApi, AsView(&c));
  outcome->success = 1;
  outcome->error.clear();
  if (!s.ok()) {
    if (!IsRunTimeFailure(s)) return invalid(s);
    view.Rollback(cp1);
    outcome->success = 0;
    outcome->error = s.ToString().substr(0, 512);
    if (s.is(BCIIN_ERR_RESOURCE) && s.message().find("out of gas") != std::string::npos) c.gas_used = tx.gas;
    if (Status r = RecordFailure(ctx, view, outcome->error); !r.ok()) return invalid(r);
  }
  outcome->gas_used = c.gas_used;
  // Refund the unused gas; pay the used gas to the beneficiary.
  Amount refund = *Amount::Mul64(tx.gas - c.gas_used, tx.gas_price);
  Amount paid = *Amount::Mul64(c.gas_used, tx.gas_price);
  if (!refund.IsZero()) {
    s = Credit(view, env.height, tx.sender, refund);
    if (!s.ok()) return invalid(s);
  }
  if (!paid.IsZero()) {
    s = Credit(view, env.height, env.beneficiary, paid);
    if (!s.ok()) return invalid(s);
  }
  return Status();
}

Status Executor::RecordFailure(const bciin_tx_context& ctx, StateView& view, const std::string& reason) const {
  if (hook_ == nullptr || hook_->header.size < offsetof(bciin_contract_hook, tx_failed) + sizeof(hook_->tx_failed) ||
      hook_->tx_failed == nullptr || hook_->subtree == nullptr)
    return Status();
  // No metering (a zero limit: any charge fails) and no contract calls (the depth is at its limit).
  ViewContext c{this, &view, hook_->subtree, ctx.height, &ctx, 0, 0, kMaxCallDepth};
  bciin_error e{};
  int32_t rc = hook_->tx_failed(hook_->header.instance, &ctx, &kViewApi, AsView(&c), AsSpan(AsView(reason)), &e);
  if (rc == BCIIN_OK) return Status();
  return Status(static_cast<bciin_status_code>(rc), e.message[0] ? std::string(e.message) : "tx_failed")
      .WithContext("the contract hook's failure record");
}

Status Executor::EndBlock(const BlockEnv& env, StateView& view) const {
  if (params_.block_reward.IsZero()) return Status();
  return Credit(view, env.height, env.beneficiary, params_.block_reward).WithContext("block reward");
}

// ---- The built-in accounts extension --------------------------------------------------------

AccountsExtension::AccountsExtension()
    : types_{{kSpendTxType, 1, 1, "spend", kSpendBaseGas}}, table_(this, kAccountsSubtree, types_) {}

Status AccountsExtension::Check(uint16_t type, uint8_t /*version*/, std::string_view payload) {
  if (type != kSpendTxType) return Status::Unsupported("not a spend");
  SpendPayload p;
  return DecodeSpendPayload(AsView(payload), &p);
}

Status AccountsExtension::Apply(uint16_t /*type*/, uint8_t /*version*/, std::string_view payload,
                                const bciin_tx_context& context, const sdk::LedgerView& view) {
  SpendPayload p;
  BCIIN_RETURN_IF_ERROR(DecodeSpendPayload(AsView(payload), &p));
  BCIIN_RETURN_IF_ERROR(view.Transfer(context.sender, p.recipient.data(), p.amount.ToC()));
  if (view.IsContract(p.recipient.data())) {
    std::string output;
    BCIIN_RETURN_IF_ERROR(view.CallContract(p.recipient.data(), context.sender, p.amount.ToC(),
                                            AsString(p.data), &output));
  }
  return Status();
}

}  // namespace bciin::chain
