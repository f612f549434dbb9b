// The consensus objects: accounts, transactions, headers, blocks, state roots and state proofs.
// Every one has a version byte first and one canonical encoding (codec.h, docs/formats.md).
#pragma once

#include <bciin/chain/amount.h>
#include <bciin/chain/bytes.h>
#include <bciin/chain/codec.h>
#include <bciin/chain/ed25519.h>
#include <bciin/chain/smt.h>
#include <bciin/sdk/status.hpp>

#include <string>
#include <vector>

namespace bciin::chain {

// Limits that hold for every network (a network may set lower ones in its genesis file).
inline constexpr size_t kMaxPayloadBytes = 1 << 20;
inline constexpr size_t kMaxTxsPerBlock = 1 << 16;
inline constexpr size_t kMaxSubtrees = 64;
inline constexpr size_t kMaxSubtreeName = 32;
inline constexpr size_t kMaxStateKey = 256;
inline constexpr size_t kMaxConsensusFields = 1024;  // BCIIN_CONSENSUS_FIELDS_MAX
inline constexpr size_t kMaxSeal = 4096;             // BCIIN_CONSENSUS_SEAL_MAX
inline constexpr size_t kMaxSpendData = 64 * 1024;

// Built-in transaction types.
inline constexpr uint16_t kSpendTxType = 12;
inline constexpr char kAccountsSubtree[] = "accounts";

// An account: the value stored under its 32-byte public key in the "accounts" subtree.
struct Account {
  Amount balance;
  uint64_t nonce = 0;           // nonce of the last transaction sent; the next one is nonce + 1
  uint64_t updated_height = 0;  // height of the block that last changed this account

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Amt(balance);
    io.U64(nonce);
    io.U64(updated_height);
  }
  friend bool operator==(const Account&, const Account&) = default;
};

// Accounts are read and written several times per transaction: a direct codec of the same
// 33 bytes as Encode(Account) and DecodeTrusted (not through the stream archive).
inline constexpr size_t kAccountEncodedSize = 1 + 16 + 8 + 8;
Bytes EncodeAccount(const Account& account);
// The same into a caller's buffer (no allocation).
void EncodeAccount(const Account& account, std::array<uint8_t, kAccountEncodedSize>* out);
Status DecodeAccount(ByteView in, Account* out);

// The transaction envelope. The fee is gas x gas_price, reserved up front, the unused part
// refunded.
struct Tx {
  uint16_t type = 0;    // registered by a ledger extension
  uint8_t version = 1;  // version of the payload format
  PublicKey sender{};
  uint64_t nonce = 0;   // must be the sender's account nonce + 1
  uint64_t ttl = 0;     // last height the tx may be included at; 0 = no expiry
  uint64_t gas = 0;     // gas limit
  uint64_t gas_price = 0;
  Bytes payload;        // the type's own fields (the extension's canonical encoding)

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U16(type);
    io.U8(version);
    io.Fixed(sender);
    io.U64(nonce);
    io.U64(ttl);
    io.U64(gas);
    io.U64(gas_price);
    io.Blob(payload, kMaxPayloadBytes);
  }
};

struct SignedTx {
  Tx tx;
  Signature signature{};  // Ed25519 by tx.sender over SigningMessage(network_id, tx)

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Object(tx);
    io.Fixed(signature);
  }
};

// u8 len(network_id) || network_id || Blake2b-256(encode(tx))
Bytes SigningMessage(std::string_view network_id, const Tx& tx);
SignedTx SignTx(std::string_view network_id, const Tx& tx, const KeyPair& key);
bool CheckTxSignature(std::string_view network_id, const SignedTx& stx);
// The same from the signed transaction's encoding (version byte, the tx's own encoding, the
// 64-byte signature), without encoding the tx again. `encoded` must be Encode(stx).
bool CheckTxSignature(std::string_view network_id, const SignedTx& stx, ByteView encoded);
// Blake2b-256(encode(signed tx)).
Hash TxHash(const SignedTx& stx);
// Encode(stx).size(), without encoding it.
size_t EncodedSize(const SignedTx& stx);

// The payload of a spend (type 12, version 1).
struct SpendPayload {
  PublicKey recipient{};
  Amount amount;
  Bytes data;  // call data when the recipient is a contract, free text otherwise

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Fixed(recipient);
    io.Amt(amount);
    io.Blob(data, kMaxSpendData);
  }
};

// Every spend's payload is checked and applied once: a direct decoder of the same bytes as
// DecodeCanonical(in, out, "spend payload") (not through the stream archive), with the same
// errors. Every field is fixed-width but the length-prefixed data, so an input that decodes with
// no byte left over is the canonical encoding.
Status DecodeSpendPayload(ByteView in, SpendPayload* out);

struct Header {
  uint32_t version = 1;  // protocol version
  uint64_t height = 0;
  Hash prev_hash{};
  uint64_t time_ms = 0;
  Hash tx_root{};        // TxRoot() of the body
  Hash state_root{};     // StateRoots::Root() after applying the block
  Hash entropy{};        // NextEntropy(parent); genesis: Blake2b-256 of the chain parameters
  PublicKey beneficiary{};  // receives fees and the block reward
  uint64_t gas_used = 0;
  Bytes consensus;       // consensus fields (opaque to the engine)
  Bytes seal;            // consensus seal over SealHash()

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.U32(version);
    io.U64(height);
    io.Fixed(prev_hash);
    io.U64(time_ms);
    io.Fixed(tx_root);
    io.Fixed(state_root);
    io.Fixed(entropy);
    io.Fixed(beneficiary);
    io.U64(gas_used);
    io.Blob(consensus, kMaxConsensusFields);
    io.Blob(seal, kMaxSeal);
  }

  // Blake2b-256 of the whole encoded header: the block's id.
  Hash BlockHash() const;
  // Blake2b-256 of the header encoded with an empty seal: what the seal signs.
  Hash SealHash() const;
};

struct Block {
  Header header;
  std::vector<SignedTx> txs;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Object(header);
    io.List(txs, kMaxTxsPerBlock);
  }
};

// Merkle root of the transaction hashes, in block order: leaf = Blake2b-256(0x00 || tx hash),
// node = Blake2b-256(0x01 || left || right), an odd last node moves up unchanged, empty = zeros.
Hash TxRoot(const std::vector<Hash>& tx_hashes);
// entropy(child) = Blake2b-256("bciin.entropy" || entropy(parent) || hash(parent)).
Hash NextEntropy(const Header& parent);

struct SubtreeRoot {
  std::string name;
  Hash root{};

  template <class Io>
  void Serialize(Io& io) {
    io.Str(name, kMaxSubtreeName);
    io.Fixed(root);
  }
  friend bool operator==(const SubtreeRoot&, const SubtreeRoot&) = default;
};

// The roots of all state subtrees, sorted by name, names unique. The header's state_root is
// Blake2b-256 of this encoding.
struct StateRoots {
  std::vector<SubtreeRoot> subtrees;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.List(subtrees, kMaxSubtrees);
    if constexpr (Io::kDecoding) {
      for (size_t i = 1; i < subtrees.size(); ++i)
        if (!(subtrees[i - 1].name < subtrees[i].name))
          throw DecodeError("non-canonical encoding: subtree names not strictly ascending");
    }
  }
  Hash Root() const;
  const Hash* Find(std::string_view name) const;
  friend bool operator==(const StateRoots&, const StateRoots&) = default;
};

// Proof that `key` of `subtree` has a value (or none) in the state committed by a header.
struct StateProof {
  std::string subtree;
  Bytes key;
  StateRoots roots;
  SmtProof proof;

  template <class Io>
  void Serialize(Io& io) {
    io.Version(1);
    io.Str(subtree, kMaxSubtreeName);
    io.Blob(key, kMaxStateKey);
    io.Object(roots);
    io.Object(proof);
  }
};

}  // namespace bciin::chain
