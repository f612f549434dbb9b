// The documented state layout of contracts on chain (docs/contracts.md, "State"): what the VM
// plugin writes in its subtree "vm" and what clients (the API, bciin-cli, light clients) read and
// prove. Every record has a version byte first and one canonical encoding (codec.h).
#pragma once

#include <bciin/chain/address.h>
#include <bciin/chain/hash.h>
#include <bciin/chain/objects.h>

#include <string>
#include <string_view>
#include <vector>

namespace bciin::chain {

inline constexpr char kContractSubtree[] = "vm";
// A contract's address printed as ct_... (the same 32 bytes as its ak_ account).
inline constexpr std::string_view kContractPrefix = "ct";
inline constexpr size_t kMaxContractInput = 64 * 1024;
inline constexpr size_t kMaxContractReturn = 64 * 1024;
inline constexpr size_t kMaxContractEvents = 256;
inline constexpr size_t kMaxEventTopic = 256;
inline constexpr size_t kMaxRevertMessage = 256;
// "s" + address + key fits a state key.
inline constexpr size_t kMaxContractStorageKey = kMaxStateKey - 33;

// Transactions (docs/contracts.md, "Transactions").
inline constexpr uint16_t kContractCreateTxType = 42;
inline constexpr uint16_t kContractCallTxType = 43;
inline constexpr size_t kMaxContractCode = 512 * 1024;

// The payload of a create transaction (type 42, version 1).
struct ContractCreatePayload {
  Bytes code;    // a WebAssembly module
  Bytes args;    // the constructor's input (export "init", when it has one)
  Amount value;  // moved from the sender to the new contract before the constructor runs

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Blob(code, kMaxContractCode);
    io.Blob(args, kMaxContractInput);
    io.Amt(value);
  }
};

// The payload of a call transaction (type 43, version 1).
struct ContractCallPayload {
  PublicKey contract{};
  Amount value;
  Bytes data;  // the contract's input

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Fixed(contract);
    io.Amt(value);
    io.Blob(data, kMaxContractInput);
  }
};

inline std::string ContractId(const PublicKey& address) { return EncodeId(kContractPrefix, address); }

// Keys in subtree "vm".
inline std::string ContractAccountKey(const PublicKey& address) {
  return std::string("a").append(reinterpret_cast<const char*>(address.data()), 32);
}
inline std::string ContractCodeKey(const Hash& code_hash) {
  return std::string("c").append(reinterpret_cast<const char*>(code_hash.data()), 32);
}
inline std::string ContractStorageKey(const PublicKey& address, std::string_view key) {
  return std::string("s").append(reinterpret_cast<const char*>(address.data()), 32).append(key);
}
inline std::string ContractReceiptKey(const Hash& tx_hash) {
  return std::string("r").append(reinterpret_cast<const char*>(tx_hash.data()), 32);
}

// A contract account: "a" + address. Its balance is an ordinary account (subtree "accounts").
struct ContractAccount {
  Hash code_hash{};     // the code: "c" + code_hash
  Hash storage_root{};  // commitment to the storage entries (docs/contracts.md)
  uint64_t storage_entries = 0;
  uint64_t create_nonce = 0;  // contracts this one has created
  PublicKey creator{};
  uint8_t pending_init = 0;   // the constructor has yet to run (only inside its create)

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Fixed(code_hash);
    io.Fixed(storage_root);
    io.U64(storage_entries);
    io.U64(create_nonce);
    io.Fixed(creator);
    io.U8(pending_init);
    if constexpr (Io::kDecoding) {
      if (pending_init > 1) throw DecodeError("non-canonical encoding: pending_init");
    }
  }
};

struct ContractEvent {
  PublicKey contract{};
  Bytes topic;
  Bytes data;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Fixed(contract);
    io.Blob(topic, kMaxEventTopic);
    io.Blob(data, kMaxContractInput);
  }
};

// What a transaction's contract run came to.
enum class ReceiptStatus : uint8_t { kOk = 1, kReverted = 2, kTrapped = 3, kOutOfGas = 4 };

// The receipt of a transaction that ran a contract: "r" + tx hash, written whether the run
// succeeded or failed (a failed run's changes are undone, its receipt is not).
struct Receipt {
  uint8_t status = static_cast<uint8_t>(ReceiptStatus::kOk);
  uint64_t gas_used = 0;  // gas the VM used (the transaction's intrinsic gas not included)
  PublicKey contract{};   // the contract called or created
  Bytes return_data;      // empty when the run failed
  std::vector<ContractEvent> events;  // empty when the run failed
  std::string message;    // the revert message, or what trapped; empty on success

  template <class Io>
  void Serialize(Io& io) {
    io.Version(2);
    io.U8(status);
    if constexpr (Io::kDecoding) {
      if (status < 1 || status > 4) throw DecodeError("receipt status " + std::to_string(status) + " is not 1..4");
    }
    io.U64(gas_used);
    io.Fixed(contract);
    io.Blob(return_data, kMaxContractReturn);
    io.List(events, kMaxContractEvents);
    io.Str(message, kMaxRevertMessage);
  }
};

inline const char* ReceiptStatusName(uint8_t status) {
  switch (status) {
    case 1: return "ok";
    case 2: return "reverted";
    case 3: return "trapped";
    case 4: return "out of gas";
    default: return "unknown";
  }
}

// Blake2b-256("bciin.contract" || creator || u64 nonce little-endian).
inline PublicKey ContractAddress(const PublicKey& creator, uint64_t nonce) {
  static constexpr char kTag[] = "bciin.contract";
  uint8_t n[8];
  for (int i = 0; i < 8; ++i) n[i] = static_cast<uint8_t>(nonce >> (8 * i));
  return Blake2b256({AsView(std::string_view(kTag)), ByteView(creator), ByteView(n, 8)});
}

}  // namespace bciin::chain
