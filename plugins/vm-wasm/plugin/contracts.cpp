#include "contracts.h"

#include <bciin/chain/ed25519.h>
#include <bciin/chain/hash.h>
#include <bciin/wasm/pure_function.h>

#include <algorithm>
#include <cstring>

namespace bciin::vm {

namespace {

using wasm::ErrorCode;
using wasm::FuncType;
using wasm::HostContext;
using wasm::ValueType;
constexpr ValueType I32 = ValueType::kI32;
constexpr ValueType I64 = ValueType::kI64;

std::string Str(const std::array<uint8_t, 32>& a) { return std::string(reinterpret_cast<const char*>(a.data()), 32); }
PublicKey Key32(const uint8_t* p) {
  PublicKey k;
  std::memcpy(k.data(), p, 32);
  return k;
}
uint64_t CopyGas(uint64_t bytes) { return (bytes + 7) / 8 * HostGas::kPer8Bytes; }

// 256-bit little-endian arithmetic modulo 2^256 for the storage commitment.
void AddTo(Hash& acc, const Hash& v, bool subtract) {
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    int x = subtract ? int(acc[i]) - int(v[i]) - int(carry) : int(acc[i]) + int(v[i]) + int(carry);
    carry = subtract ? (x < 0) : (x > 255);
    acc[i] = static_cast<uint8_t>(x & 0xFF);
  }
}
Hash EntryHash(std::string_view key, std::string_view value) {
  uint8_t len = static_cast<uint8_t>(key.size());
  return chain::Blake2b256({chain::ByteView(&len, 1), chain::AsView(key), chain::AsView(value)});
}

bool IsRunTime(const Status& s) { return s.is(BCIIN_ERR_REJECTED) || s.is(BCIIN_ERR_RESOURCE); }

}  // namespace

// One running contract call.
struct ContractVm::Frame {
  ContractVm* vm = nullptr;
  const bciin_tx_context* tx = nullptr;  // null off chain
  const sdk::LedgerView* view = nullptr; // null off chain
  PublicKey self{}, caller{};
  Amount value;
  std::string input;
  std::string output;       // set by "return"
  std::string last_return;  // of the last sub-call or create
  wasm::GasMeter* meter = nullptr;
  uint64_t flushed = 0;     // gas already charged to the view
  bool reverted = false;
  std::string revert_message;
  Status fatal;             // a failure of the node, not of the contract: the tx is invalid

  // Charges the gas used since the last flush to the transaction.
  wasm::Status Flush() {
    if (view == nullptr) return {};
    uint64_t used = meter->used();
    if (used <= flushed) return {};
    Status s = view->ChargeGas(used - flushed);
    flushed = used;
    if (!s.ok()) {
      while (meter->remaining() > 0) (void)meter->charge(meter->remaining());
      return wasm::Status(ErrorCode::kTrapOutOfGas, "out of gas");
    }
    return {};
  }
  // A view result: ok; a run-time failure traps the contract; anything else is fatal.
  wasm::Status Check(const Status& s, const char* what) {
    if (s.ok()) return {};
    if (!IsRunTime(s)) fatal = s;
    return HostContext::Trap(std::string(what) + ": " + s.message());
  }
  wasm::Status NeedChain(const char* what) const {
    if (view == nullptr) return HostContext::Trap(std::string(what) + ": no chain off chain");
    return {};
  }
};

namespace {

using Frame = ContractVm::Frame;

Frame& F(HostContext& ctx) { return *static_cast<Frame*>(ctx.user_data()); }

wasm::Status ReadMem(HostContext& ctx, uint64_t ptr, uint64_t len, size_t max, std::string* out) {
  if (len > max) return HostContext::Trap("argument of " + std::to_string(len) + " bytes, over " + std::to_string(max));
  if (auto s = ctx.charge_gas(CopyGas(len)); !s.ok()) return s;
  out->assign(len, '\0');
  return ctx.read_memory(static_cast<uint32_t>(ptr),
                         std::span<uint8_t>(reinterpret_cast<uint8_t*>(out->data()), out->size()));
}
wasm::Status WriteMem(HostContext& ctx, uint64_t ptr, std::string_view data) {
  if (auto s = ctx.charge_gas(CopyGas(data.size())); !s.ok()) return s;
  return ctx.write_memory(static_cast<uint32_t>(ptr), std::span<const uint8_t>(
                                                          reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}
wasm::Status WriteFixed(HostContext& ctx, uint64_t ptr, const uint8_t* data, size_t n) {
  return WriteMem(ctx, ptr, std::string_view(reinterpret_cast<const char*>(data), n));
}
std::string AmountBytes(Amount a) {
  std::string out(16, '\0');
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(a.lo() >> (8 * i));
    out[8 + i] = static_cast<char>(a.hi() >> (8 * i));
  }
  return out;
}
Amount AmountFrom(std::string_view b) {
  uint64_t lo = 0, hi = 0;
  for (int i = 7; i >= 0; --i) {
    lo = (lo << 8) | static_cast<uint8_t>(b[i]);
    hi = (hi << 8) | static_cast<uint8_t>(b[8 + i]);
  }
  return Amount::FromParts(lo, hi);
}

}  // namespace

ContractVm::ContractVm(VmOptions options)
    : types_{{kCreateTxType, 1, 1, "contract-create", kCreateBaseGas}, {kCallTxType, 1, 1, "contract-call", kCallBaseGas}},
      ext_table_(this, kSubtree, types_),
      hook_table_(this, BCIIN_CONTRACT_HOOK_SERVICE_VERSION, kSubtree),
      options_(options),
      engine_(wasm::CompileOptions{}, options.cache_modules) {
  chain::InitCrypto();
  RegisterHostFunctions();
}

ContractVm::~ContractVm() = default;

// ---- Ledger extension ---------------------------------------------------------------------

Status ContractVm::Check(uint16_t type, uint8_t /*version*/, std::string_view payload) {
  if (type == kCreateTxType) {
    CreatePayload p;
    BCIIN_RETURN_IF_ERROR(chain::DecodeCanonical(chain::AsView(payload), &p, "contract-create payload"));
    if (p.code.empty()) return Status::InvalidArgument("contract-create without code");
    return Status();
  }
  if (type == kCallTxType) {
    CallPayload p;
    return chain::DecodeCanonical(chain::AsView(payload), &p, "contract-call payload");
  }
  return Status::Unsupported("not a contract transaction");
}

Status ContractVm::Apply(uint16_t type, uint8_t /*version*/, std::string_view payload, const bciin_tx_context& context,
                         const sdk::LedgerView& view) {
  const PublicKey sender = Key32(context.sender);
  std::string output;
  if (type == kCallTxType) {
    CallPayload p;
    BCIIN_RETURN_IF_ERROR(chain::DecodeTrusted(chain::AsView(payload), &p, "contract-call payload"));
    if (!IsContract(view, p.contract.data())) return Status::Rejected("no contract at the called address");
    if (!p.value.IsZero()) BCIIN_RETURN_IF_ERROR(view.Transfer(sender.data(), p.contract.data(), p.value.ToC()));
    return view.CallContract(p.contract.data(), sender.data(), p.value.ToC(), chain::AsString(p.data), &output);
  }
  CreatePayload p;
  BCIIN_RETURN_IF_ERROR(chain::DecodeTrusted(chain::AsView(payload), &p, "contract-create payload"));
  BCIIN_RETURN_IF_ERROR(view.ChargeGas(HostGas::kCreatePerByte * p.code.size()));
  Hash code_hash;
  {
    auto compiled = engine_.compile(p.code, Str(code_hash = chain::Blake2b256(p.code)));
    if (!compiled.ok()) return Status::Rejected("contract code refused: " + compiled.status().ToString());
  }
  const PublicKey address = ContractAddress(sender, context.nonce);
  std::string existing;
  Status s = view.Get(AccountKey(address), &existing, kSubtree);
  if (s.ok()) return Status::Rejected("a contract exists at the new address");
  if (!s.is(BCIIN_ERR_NOT_FOUND)) return s;
  s = view.Get(CodeKey(code_hash), &existing, kSubtree);
  if (s.is(BCIIN_ERR_NOT_FOUND)) {
    BCIIN_RETURN_IF_ERROR(view.Put(CodeKey(code_hash), chain::AsString(p.code)));
  } else if (!s.ok()) {
    return s;
  }
  ContractAccount account;
  account.code_hash = code_hash;
  account.creator = sender;
  account.pending_init = 1;
  BCIIN_RETURN_IF_ERROR(view.Put(AccountKey(address), chain::AsString(chain::Encode(account))));
  if (!p.value.IsZero()) BCIIN_RETURN_IF_ERROR(view.Transfer(sender.data(), address.data(), p.value.ToC()));
  return view.CallContract(address.data(), sender.data(), p.value.ToC(), chain::AsString(p.args), &output);
}

Status ContractVm::BeginBlock(const bciin_block_context& context, const sdk::LedgerView& /*view*/) {
  std::memcpy(entropy_[context.height].data(), context.entropy, 32);
  while (entropy_.size() > 64) entropy_.erase(entropy_.begin());
  return Status();
}

// ---- Contract hook ------------------------------------------------------------------------

bool ContractVm::IsContract(const sdk::LedgerView& view, const uint8_t account[32]) {
  std::string value;
  return view.Get(AccountKey(Key32(account)), &value, kSubtree).ok();
}

Status ContractVm::LoadModule(const sdk::LedgerView* view, const Hash& code_hash,
                              std::shared_ptr<const wasm::CompiledModule>* out) {
  *out = engine_.lookup(Str(code_hash));
  if (*out) return Status();
  if (view == nullptr) return Status::NotFound("code not deployed to this VM");
  std::string code;
  BCIIN_RETURN_IF_ERROR(view->Get(CodeKey(code_hash), &code, kSubtree).WithContext("contract code"));
  auto compiled = engine_.compile(chain::AsView(code), Str(code_hash));
  if (!compiled.ok()) return Status::Internal("stored contract code fails to compile: " + compiled.status().ToString());
  *out = compiled.value();
  return Status();
}

wasm::Status ContractVm::Run(Frame& frame, std::shared_ptr<const wasm::CompiledModule> module, const char* entry,
                             bool entry_optional) {
  wasm::Store store(options_.limits);
  wasm::Linker linker(&hosts_);
  frames_.push_back(&frame);
  wasm::Status status;
  auto instance = store.instantiate(std::move(module), linker, *frame.meter, &frame);
  if (!instance.ok()) {
    status = instance.status();
  } else if (const wasm::FuncInstance* fn = instance.value()->find_function(entry); fn == nullptr) {
    if (!entry_optional) status = wasm::Status(ErrorCode::kNotFound, std::string("the contract exports no ") + entry);
  } else if (!(fn->type->params.empty() && fn->type->results.empty())) {
    status = wasm::Status(ErrorCode::kNotFound, std::string("export ") + entry + " is not () -> ()");
  } else {
    std::vector<wasm::Value> results;
    status = store.invoke(*fn, {}, &results, *frame.meter, &frame);
  }
  frames_.pop_back();
  wasm::Status flushed = frame.Flush();
  if (status.ok() && !flushed.ok()) status = flushed;
  return status;
}

Status ContractVm::Call(const bciin_tx_context& context, const sdk::LedgerView& view, const uint8_t contract[32],
                        const uint8_t caller[32], bciin_amount value, std::string_view call_data, std::string* output) {
  const PublicKey address = Key32(contract);
  std::string record;
  Status s = view.Get(AccountKey(address), &record, kSubtree);
  if (s.is(BCIIN_ERR_NOT_FOUND)) return Status::Rejected("no contract at the called address");
  BCIIN_RETURN_IF_ERROR(s);
  ContractAccount account;
  BCIIN_RETURN_IF_ERROR(chain::DecodeTrusted(chain::AsView(record), &account, "contract account"));
  const bool init = account.pending_init != 0;
  if (init) {
    account.pending_init = 0;
    BCIIN_RETURN_IF_ERROR(view.Put(AccountKey(address), chain::AsString(chain::Encode(account))));
  }
  std::shared_ptr<const wasm::CompiledModule> module;
  BCIIN_RETURN_IF_ERROR(LoadModule(&view, account.code_hash, &module));

  const bool top = frames_.empty();
  if (top) {
    tx_events_.clear();
    failed_.reset();
  }
  const uint64_t limit = top ? context.gas_limit : next_gas_limit_;
  wasm::GasMeter meter(limit);
  Frame frame;
  frame.vm = this;
  frame.tx = &context;
  frame.view = &view;
  frame.self = address;
  frame.caller = Key32(caller);
  frame.value = Amount::FromC(value);
  frame.input.assign(call_data);
  frame.meter = &meter;
  const size_t events_before = tx_events_.size();
  wasm::Status st = Run(frame, std::move(module), init ? "init" : "call", init);
  last_child_gas_ = meter.used();
  last_child_revert_ = frame.revert_message;
  if (!frame.fatal.ok()) return frame.fatal;
  if (!st.ok()) {
    tx_events_.resize(events_before);
    Receipt failed;
    failed.gas_used = meter.used();
    failed.contract = address;
    Status result;
    if (st.code() == ErrorCode::kTrapOutOfGas) {
      failed.status = static_cast<uint8_t>(ReceiptStatus::kOutOfGas);
      result = Status::ResourceExhausted("contract call: out of gas");
    } else if (frame.reverted) {
      failed.status = static_cast<uint8_t>(ReceiptStatus::kReverted);
      failed.message = frame.revert_message;
      result = Status::Rejected("contract reverted: " + frame.revert_message);
    } else {
      failed.status = static_cast<uint8_t>(ReceiptStatus::kTrapped);
      failed.message = st.ToString().substr(0, chain::kMaxRevertMessage);
      result = Status::Rejected("contract trapped: " + st.ToString());
    }
    if (top) failed_.emplace(Key32(context.tx_hash), std::move(failed));
    return result;
  }
  *output = std::move(frame.output);
  if (top) {
    Receipt receipt;
    receipt.gas_used = meter.used();
    receipt.contract = address;
    receipt.return_data.assign(output->begin(), output->end());
    receipt.events = std::move(tx_events_);
    tx_events_.clear();
    BCIIN_RETURN_IF_ERROR(view.Put(ReceiptKey(Key32(context.tx_hash)), chain::AsString(chain::Encode(receipt))));
  }
  return Status();
}

Status ContractVm::TxFailed(const bciin_tx_context& context, const sdk::LedgerView& view, std::string_view /*reason*/) {
  // Only a transaction whose top-level contract run failed gets a receipt; one that failed
  // before reaching a contract (no contract at the address, code refused) has none.
  if (!failed_ || failed_->first != Key32(context.tx_hash)) return Status();
  Receipt receipt = std::move(failed_->second);
  failed_.reset();
  return view.Put(ReceiptKey(Key32(context.tx_hash)), chain::AsString(chain::Encode(receipt)));
}

// ---- The VM service -----------------------------------------------------------------------

Status ContractVm::Deploy(std::string_view code, Hash* code_hash) {
  *code_hash = chain::Blake2b256(chain::AsView(code));
  auto compiled = engine_.compile(chain::AsView(code), Str(*code_hash));
  if (!compiled.ok()) return Status::InvalidArgument("code refused: " + compiled.status().ToString());
  return Status();
}

namespace {
Status FromWasm(const wasm::Status& s) {
  if (s.ok()) return Status();
  if (s.code() == ErrorCode::kTrapOutOfGas) return Status::ResourceExhausted("out of gas");
  if (s.is_trap()) return Status::Rejected(s.ToString());
  return Status::InvalidArgument(s.ToString());
}
}  // namespace

Status ContractVm::OffChainCall(const Hash& code_hash, const std::string& function, std::string_view input,
                                uint64_t gas_limit, std::string* output, uint64_t* gas_used) {
  std::shared_ptr<const wasm::CompiledModule> module;
  BCIIN_RETURN_IF_ERROR(LoadModule(nullptr, code_hash, &module));
  // Off-chain calls may come from any thread: they use their own Store, and the frame stack
  // only matters to host functions that need the chain, which trap here.
  wasm::GasMeter meter(gas_limit);
  Frame frame;
  frame.vm = this;
  frame.input.assign(input);
  frame.meter = &meter;
  wasm::Store store(options_.limits);
  wasm::Linker linker(&hosts_);
  wasm::Status st;
  auto instance = store.instantiate(module, linker, meter, &frame);
  if (!instance.ok()) {
    st = instance.status();
  } else if (const wasm::FuncInstance* fn = instance.value()->find_function(function);
             fn == nullptr || !fn->type->params.empty() || !fn->type->results.empty()) {
    st = wasm::Status(ErrorCode::kNotFound, "no export " + function + " of type () -> ()");
  } else {
    std::vector<wasm::Value> results;
    st = store.invoke(*fn, {}, &results, meter, &frame);
  }
  *gas_used = meter.used();
  if (frame.reverted) return Status::Rejected("contract reverted: " + frame.revert_message);
  BCIIN_RETURN_IF_ERROR(FromWasm(st));
  *output = std::move(frame.output);
  return Status();
}

Status ContractVm::PureCall(const Hash& code_hash, const std::string& function, std::string_view state,
                            std::string_view input, uint64_t gas_limit, std::string* new_state, uint64_t* gas_used) {
  std::shared_ptr<const wasm::CompiledModule> module;
  BCIIN_RETURN_IF_ERROR(LoadModule(nullptr, code_hash, &module));
  wasm::PureCallOptions o;
  o.gas_limit = gas_limit;
  o.limits = options_.limits;
  auto r = wasm::run_pure_function(module, function, chain::AsView(state), chain::AsView(input), o);
  *gas_used = r.gas_used;
  BCIIN_RETURN_IF_ERROR(FromWasm(r.status));
  new_state->assign(r.new_state.begin(), r.new_state.end());
  return Status();
}

// ---- The contract host interface ----------------------------------------------------------

void ContractVm::RegisterHostFunctions() {
  auto add = [this](const char* name, FuncType type, wasm::HostCallable fn) {
    hosts_.add(kHostModule, name, std::move(type), std::move(fn));
  };
  using Args = std::span<const uint64_t>;
  using Results = std::span<uint64_t>;

  add("input_size", {{}, {I32}}, [](HostContext& ctx, Args, Results r) -> wasm::Status {
    r[0] = F(ctx).input.size();
    return ctx.charge_gas(HostGas::kEnv);
  });
  add("input", {{I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    return WriteMem(ctx, a[0], F(ctx).input);
  });
  auto env32 = [&add](const char* name, auto get) {
    add(name, {{I32}, {}}, [get](HostContext& ctx, Args a, Results) -> wasm::Status {
      if (auto s = ctx.charge_gas(HostGas::kEnv); !s.ok()) return s;
      std::array<uint8_t, 32> v = get(F(ctx));
      return WriteFixed(ctx, a[0], v.data(), 32);
    });
  };
  env32("caller", [](const Frame& f) { return f.caller; });
  env32("origin", [](const Frame& f) { return f.tx ? Key32(f.tx->sender) : PublicKey{}; });
  env32("self", [](const Frame& f) { return f.self; });
  env32("tx_hash", [](const Frame& f) { return f.tx ? Key32(f.tx->tx_hash) : Hash{}; });
  env32("block_entropy", [](const Frame& f) {
    if (f.tx == nullptr) return Hash{};
    auto it = f.vm->entropy_.find(f.tx->height);
    return it == f.vm->entropy_.end() ? Hash{} : it->second;
  });
  add("value", {{I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    if (auto s = ctx.charge_gas(HostGas::kEnv); !s.ok()) return s;
    return WriteMem(ctx, a[0], AmountBytes(F(ctx).value));
  });
  add("block_height", {{}, {I64}}, [](HostContext& ctx, Args, Results r) -> wasm::Status {
    r[0] = F(ctx).tx ? F(ctx).tx->height : 0;
    return ctx.charge_gas(HostGas::kEnv);
  });
  add("block_time", {{}, {I64}}, [](HostContext& ctx, Args, Results r) -> wasm::Status {
    r[0] = F(ctx).tx ? F(ctx).tx->time_ms : 0;
    return ctx.charge_gas(HostGas::kEnv);
  });
  add("gas_left", {{}, {I64}}, [](HostContext& ctx, Args, Results r) -> wasm::Status {
    if (auto s = ctx.charge_gas(HostGas::kEnv); !s.ok()) return s;
    r[0] = ctx.gas().remaining();
    return {};
  });
  add("balance", {{I32, I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = ctx.charge_gas(HostGas::kBalance); !s.ok()) return s;
    std::string account;
    if (auto s = ReadMem(ctx, a[0], 32, 32, &account); !s.ok()) return s;
    Amount amount;
    if (f.view != nullptr) {
      bciin_amount out{};
      if (auto s = f.Check(f.view->Balance(reinterpret_cast<const uint8_t*>(account.data()), &out), "balance");
          !s.ok())
        return s;
      amount = Amount::FromC(out);
    }
    return WriteMem(ctx, a[1], AmountBytes(amount));
  });

  // Storage: the contract's own entries, "s" + address + key.
  add("storage_get", {{I32, I32, I32, I32}, {I32}}, [](HostContext& ctx, Args a, Results r) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = ctx.charge_gas(HostGas::kStorageGet); !s.ok()) return s;
    std::string key, value;
    if (auto s = ReadMem(ctx, a[0], a[1], kMaxStorageKey, &key); !s.ok()) return s;
    if (f.view == nullptr) {
      r[0] = static_cast<uint32_t>(-1);
      return {};
    }
    Status s = f.view->Get(StorageKey(f.self, key), &value, kSubtree);
    if (s.is(BCIIN_ERR_NOT_FOUND)) {
      r[0] = static_cast<uint32_t>(-1);
      return {};
    }
    if (auto t = f.Check(s, "storage_get"); !t.ok()) return t;
    r[0] = value.size();
    return WriteMem(ctx, a[2], std::string_view(value).substr(0, std::min<uint64_t>(a[3], value.size())));
  });
  // Sets (value non-null) or deletes one entry, keeping the account's storage commitment.
  auto store_entry = [](HostContext& ctx, Frame& f, const std::string& key, const std::string* value) -> wasm::Status {
    std::string record, old;
    if (auto s = f.Check(f.view->Get(AccountKey(f.self), &record, kSubtree), "contract account"); !s.ok()) return s;
    ContractAccount account;
    if (auto s = f.Check(chain::DecodeTrusted(chain::AsView(record), &account, "contract account"), "storage");
        !s.ok())
      return s;
    const std::string full = StorageKey(f.self, key);
    Status got = f.view->Get(full, &old, kSubtree);
    if (!got.ok() && !got.is(BCIIN_ERR_NOT_FOUND)) return f.Check(got, "storage");
    if (got.ok()) {
      AddTo(account.storage_root, EntryHash(key, old), true);
      --account.storage_entries;
    }
    if (value != nullptr) {
      AddTo(account.storage_root, EntryHash(key, *value), false);
      ++account.storage_entries;
      if (auto s = f.Check(f.view->Put(full, *value), "storage_set"); !s.ok()) return s;
    } else if (got.ok()) {
      if (auto s = f.Check(f.view->Erase(full), "storage_delete"); !s.ok()) return s;
    }
    (void)ctx;
    return f.Check(f.view->Put(AccountKey(f.self), chain::AsString(chain::Encode(account))), "contract account");
  };
  add("storage_set", {{I32, I32, I32, I32}, {}}, [store_entry](HostContext& ctx, Args a, Results) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("storage_set"); !s.ok()) return s;
    if (a[1] == 0) return HostContext::Trap("storage_set: empty key");
    if (auto s = ctx.charge_gas(HostGas::kStorageSet + HostGas::kStorageSetPerByte * (a[1] + a[3])); !s.ok()) return s;
    std::string key, value;
    if (auto s = ReadMem(ctx, a[0], a[1], kMaxStorageKey, &key); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[2], a[3], kMaxStorageValue, &value); !s.ok()) return s;
    return store_entry(ctx, f, key, &value);
  });
  add("storage_delete", {{I32, I32}, {}}, [store_entry](HostContext& ctx, Args a, Results) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("storage_delete"); !s.ok()) return s;
    if (auto s = ctx.charge_gas(HostGas::kStorageDelete); !s.ok()) return s;
    std::string key;
    if (auto s = ReadMem(ctx, a[0], a[1], kMaxStorageKey, &key); !s.ok()) return s;
    if (key.empty()) return HostContext::Trap("storage_delete: empty key");
    return store_entry(ctx, f, key, nullptr);
  });

  add("transfer", {{I32, I32}, {I32}}, [](HostContext& ctx, Args a, Results r) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("transfer"); !s.ok()) return s;
    if (auto s = ctx.charge_gas(HostGas::kTransfer); !s.ok()) return s;
    std::string to, amount;
    if (auto s = ReadMem(ctx, a[0], 32, 32, &to); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[1], 16, 16, &amount); !s.ok()) return s;
    Status s = f.view->Transfer(f.self.data(), reinterpret_cast<const uint8_t*>(to.data()), AmountFrom(amount).ToC());
    if (s.is(BCIIN_ERR_REJECTED)) {
      r[0] = 1;
      return {};
    }
    if (auto t = f.Check(s, "transfer"); !t.ok()) return t;
    r[0] = 0;
    return {};
  });

  // A sub-call: value moves first, then the callee runs with at most `gas`; a failure undoes the
  // callee's changes (the chain's checkpoint) and the value (moved back here).
  add("call", {{I32, I32, I32, I32, I64}, {I32}}, [](HostContext& ctx, Args a, Results r) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("call"); !s.ok()) return s;
    if (auto s = ctx.charge_gas(HostGas::kCall); !s.ok()) return s;
    std::string to_bytes, amount_bytes, data;
    if (auto s = ReadMem(ctx, a[0], 32, 32, &to_bytes); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[1], 16, 16, &amount_bytes); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[2], a[3], kMaxInput, &data); !s.ok()) return s;
    if (auto s = f.Flush(); !s.ok()) return s;
    const PublicKey to = Key32(reinterpret_cast<const uint8_t*>(to_bytes.data()));
    const Amount amount = AmountFrom(amount_bytes);
    f.last_return.clear();
    if (!amount.IsZero()) {
      Status s = f.view->Transfer(f.self.data(), to.data(), amount.ToC());
      if (s.is(BCIIN_ERR_REJECTED)) {
        r[0] = 1;
        return {};
      }
      if (auto t = f.Check(s, "call"); !t.ok()) return t;
    }
    if (!f.view->IsContract(to.data())) {
      r[0] = 0;
      return {};
    }
    f.vm->next_gas_limit_ = std::min<uint64_t>(a[4], ctx.gas().remaining());
    f.vm->last_child_gas_ = 0;
    f.vm->last_child_revert_.clear();
    std::string out;
    Status s = f.view->CallContract(to.data(), f.self.data(), amount.ToC(), data, &out);
    const uint64_t child_gas = f.vm->last_child_gas_;
    // The callee charged its gas to the transaction itself; count it here too.
    wasm::Status charged = ctx.charge_gas(child_gas);
    f.flushed += child_gas;
    if (!charged.ok()) return charged;
    if (s.ok()) {
      f.last_return = std::move(out);
      r[0] = 0;
      return {};
    }
    if (!IsRunTime(s)) return f.Check(s, "call");
    if (s.is(BCIIN_ERR_RESOURCE) && ctx.gas().remaining() == 0) return wasm::Status(ErrorCode::kTrapOutOfGas, "out of gas");
    f.last_return = f.vm->last_child_revert_;
    if (!amount.IsZero()) {
      if (auto t = f.Check(f.view->Transfer(to.data(), f.self.data(), amount.ToC()), "call"); !t.ok()) return t;
    }
    r[0] = 1;
    return {};
  });
  add("return_data_size", {{}, {I32}}, [](HostContext& ctx, Args, Results r) -> wasm::Status {
    r[0] = F(ctx).last_return.size();
    return ctx.charge_gas(HostGas::kEnv);
  });
  add("return_data", {{I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    return WriteMem(ctx, a[0], F(ctx).last_return);
  });

  // create(code, code_len, args, args_len, value, out_address) -> 0 | 1
  add("create", {{I32, I32, I32, I32, I32, I32}, {I32}}, [](HostContext& ctx, Args a, Results r) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("create"); !s.ok()) return s;
    if (a[1] > kMaxCode) return HostContext::Trap("create: code over the size limit");
    if (auto s = ctx.charge_gas(HostGas::kCreate + HostGas::kCreatePerByte * a[1]); !s.ok()) return s;
    std::string code, args, amount_bytes;
    if (auto s = ReadMem(ctx, a[0], a[1], kMaxCode, &code); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[2], a[3], kMaxInput, &args); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[4], 16, 16, &amount_bytes); !s.ok()) return s;
    if (auto s = f.Flush(); !s.ok()) return s;
    const Amount amount = AmountFrom(amount_bytes);
    f.last_return.clear();
    const Hash code_hash = chain::Blake2b256(chain::AsView(code));
    if (auto compiled = f.vm->engine_.compile(chain::AsView(code), Str(code_hash)); !compiled.ok()) {
      f.last_return = compiled.status().ToString();
      r[0] = 1;
      return {};
    }
    // The creator's nonce advances whether or not the constructor succeeds.
    std::string record;
    if (auto s = f.Check(f.view->Get(AccountKey(f.self), &record, kSubtree), "create"); !s.ok()) return s;
    ContractAccount creator;
    if (auto s = f.Check(chain::DecodeTrusted(chain::AsView(record), &creator, "contract account"), "create"); !s.ok())
      return s;
    const PublicKey address = ContractAddress(f.self, ++creator.create_nonce);
    if (auto s = f.Check(f.view->Put(AccountKey(f.self), chain::AsString(chain::Encode(creator))), "create"); !s.ok())
      return s;
    std::string existing;
    if (f.view->Get(AccountKey(address), &existing, kSubtree).ok()) {
      f.last_return = "a contract exists at the new address";
      r[0] = 1;
      return {};
    }
    std::string stored;
    if (!f.view->Get(CodeKey(code_hash), &stored, kSubtree).ok()) {
      if (auto s = f.Check(f.view->Put(CodeKey(code_hash), code), "create"); !s.ok()) return s;
    }
    ContractAccount account;
    account.code_hash = code_hash;
    account.creator = f.self;
    account.pending_init = 1;
    if (auto s = f.Check(f.view->Put(AccountKey(address), chain::AsString(chain::Encode(account))), "create"); !s.ok())
      return s;
    auto undo = [&]() -> wasm::Status {
      return f.Check(f.view->Erase(AccountKey(address)), "create");
    };
    if (!amount.IsZero()) {
      Status s = f.view->Transfer(f.self.data(), address.data(), amount.ToC());
      if (s.is(BCIIN_ERR_REJECTED)) {
        f.last_return = "insufficient balance";
        r[0] = 1;
        return undo();
      }
      if (auto t = f.Check(s, "create"); !t.ok()) return t;
    }
    f.vm->next_gas_limit_ = ctx.gas().remaining();
    f.vm->last_child_gas_ = 0;
    f.vm->last_child_revert_.clear();
    std::string out;
    Status s = f.view->CallContract(address.data(), f.self.data(), amount.ToC(), args, &out);
    const uint64_t child_gas = f.vm->last_child_gas_;
    wasm::Status charged = ctx.charge_gas(child_gas);
    f.flushed += child_gas;
    if (!charged.ok()) return charged;
    if (s.ok()) {
      r[0] = 0;
      return WriteFixed(ctx, a[5], address.data(), 32);
    }
    if (!IsRunTime(s)) return f.Check(s, "create");
    if (s.is(BCIIN_ERR_RESOURCE) && ctx.gas().remaining() == 0) return wasm::Status(ErrorCode::kTrapOutOfGas, "out of gas");
    f.last_return = f.vm->last_child_revert_;
    if (!amount.IsZero()) {
      if (auto t = f.Check(f.view->Transfer(address.data(), f.self.data(), amount.ToC()), "create"); !t.ok()) return t;
    }
    r[0] = 1;
    return undo();
  });

  add("emit", {{I32, I32, I32, I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    Frame& f = F(ctx);
    if (auto s = f.NeedChain("emit"); !s.ok()) return s;
    if (auto s = ctx.charge_gas(HostGas::kEmit + HostGas::kEmitPerByte * (a[1] + a[3])); !s.ok()) return s;
    if (f.vm->tx_events_.size() >= kMaxEvents) return HostContext::Trap("emit: over 256 events in one transaction");
    Event e;
    std::string topic, data;
    if (auto s = ReadMem(ctx, a[0], a[1], 256, &topic); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[2], a[3], kMaxInput, &data); !s.ok()) return s;
    e.contract = f.self;
    e.topic.assign(topic.begin(), topic.end());
    e.data.assign(data.begin(), data.end());
    f.vm->tx_events_.push_back(std::move(e));
    return {};
  });
  add("return", {{I32, I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    return ReadMem(ctx, a[0], a[1], kMaxReturn, &F(ctx).output);
  });
  add("revert", {{I32, I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    Frame& f = F(ctx);
    std::string message;
    if (auto s = ReadMem(ctx, a[0], std::min<uint64_t>(a[1], 256), 256, &message); !s.ok()) return s;
    f.reverted = true;
    f.revert_message = message;
    return HostContext::Trap("reverted: " + message);
  });
  add("blake2b", {{I32, I32, I32}, {}}, [](HostContext& ctx, Args a, Results) -> wasm::Status {
    if (auto s = ctx.charge_gas(HostGas::kBlake2b); !s.ok()) return s;
    std::string data;
    if (auto s = ReadMem(ctx, a[0], a[1], kMaxStorageValue * 16, &data); !s.ok()) return s;
    Hash h = chain::Blake2b256(chain::AsView(data));
    return WriteFixed(ctx, a[2], h.data(), 32);
  });
  add("ed25519_verify", {{I32, I32, I32, I32}, {I32}}, [](HostContext& ctx, Args a, Results r) -> wasm::Status {
    if (auto s = ctx.charge_gas(HostGas::kEd25519Verify); !s.ok()) return s;
    std::string key, msg, sig;
    if (auto s = ReadMem(ctx, a[0], 32, 32, &key); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[1], a[2], kMaxInput, &msg); !s.ok()) return s;
    if (auto s = ReadMem(ctx, a[3], 64, 64, &sig); !s.ok()) return s;
    chain::Signature signature;
    std::memcpy(signature.data(), sig.data(), 64);
    r[0] = chain::VerifySignature(Key32(reinterpret_cast<const uint8_t*>(key.data())), chain::AsView(msg), signature)
               ? 1
               : 0;
    return {};
  });
}

}  // namespace bciin::vm
