#include <bciin/chain/hash.h>
#include <bciin/chain/objects.h>

#include <cstring>

namespace bciin::chain {

namespace {

Bytes SigningMessageOfHash(std::string_view network_id, const Hash& h) {
  Bytes msg;
  msg.reserve(1 + network_id.size() + h.size());
  msg.push_back(static_cast<uint8_t>(network_id.size()));
  msg.insert(msg.end(), network_id.begin(), network_id.end());
  msg.insert(msg.end(), h.begin(), h.end());
  return msg;
}

}  // namespace

Bytes SigningMessage(std::string_view network_id, const Tx& tx) {
  return SigningMessageOfHash(network_id, Blake2b256(Encode(tx)));
}

SignedTx SignTx(std::string_view network_id, const Tx& tx, const KeyPair& key) {
  SignedTx stx;
  stx.tx = tx;
  stx.signature = key.Sign(SigningMessage(network_id, tx));
  return stx;
}

bool CheckTxSignature(std::string_view network_id, const SignedTx& stx) {
  return VerifySignature(stx.tx.sender, SigningMessage(network_id, stx.tx), stx.signature);
}

bool CheckTxSignature(std::string_view network_id, const SignedTx& stx, ByteView encoded) {
  // SignedTx: u8 version || encode(tx) || signature (64).
  if (encoded.size() < 1 + sizeof(Signature)) return false;
  ByteView tx = encoded.subspan(1, encoded.size() - 1 - sizeof(Signature));
  return VerifySignature(stx.tx.sender, SigningMessageOfHash(network_id, Blake2b256(tx)), stx.signature);
}

void EncodeAccount(const Account& account, std::array<uint8_t, kAccountEncodedSize>* out) {
  const uint64_t fields[4] = {account.balance.lo(), account.balance.hi(), account.nonce, account.updated_height};
  (*out)[0] = 1;  // version
  std::memcpy(out->data() + 1, fields, sizeof fields);  // little-endian (codec.h)
}

Bytes EncodeAccount(const Account& account) {
  std::array<uint8_t, kAccountEncodedSize> fixed;
  EncodeAccount(account, &fixed);
  return Bytes(fixed.begin(), fixed.end());
}

Status DecodeAccount(ByteView in, Account* out) {
  if (in.size() != kAccountEncodedSize)
    return Status::InvalidArgument("account: " + std::to_string(in.size()) + " bytes, expected " +
                                   std::to_string(kAccountEncodedSize));
  if (in[0] != 1) return Status::InvalidArgument("account: unsupported version " + std::to_string(in[0]));
  uint64_t fields[4];
  std::memcpy(fields, in.data() + 1, sizeof fields);
  out->balance = Amount::FromParts(fields[0], fields[1]);
  out->nonce = fields[2];
  out->updated_height = fields[3];
  return Status();
}

Status DecodeSpendPayload(ByteView in, SpendPayload* out) {
  // u8 version (1) || recipient (32) || amount (16) || u32 data length || data
  constexpr size_t kFixed = 1 + sizeof(PublicKey) + 16 + 4;
  auto truncated = [] { return Status::InvalidArgument("spend payload: truncated input"); };
  if (in.empty()) return truncated();
  if (in[0] != 1)
    return Status::InvalidArgument("spend payload: unsupported version " + std::to_string(in[0]) + " (expected 1)");
  if (in.size() < kFixed) return truncated();
  uint64_t amount[2];
  uint32_t data_size;
  std::memcpy(amount, in.data() + 1 + sizeof(PublicKey), sizeof amount);  // little-endian (codec.h)
  std::memcpy(&data_size, in.data() + kFixed - 4, sizeof data_size);
  if (data_size > kMaxSpendData)
    return Status::InvalidArgument("spend payload: a byte field of " + std::to_string(data_size) +
                                   " bytes over its limit of " + std::to_string(kMaxSpendData));
  if (data_size > in.size() - kFixed) return truncated();
  if (const size_t rest = in.size() - kFixed - data_size; rest != 0)
    return Status::InvalidArgument("spend payload: non-canonical encoding: " + std::to_string(rest) +
                                   " trailing bytes");
  std::memcpy(out->recipient.data(), in.data() + 1, sizeof(PublicKey));
  out->amount = Amount::FromParts(amount[0], amount[1]);
  out->data.assign(in.begin() + kFixed, in.end());
  return Status();
}

Hash TxHash(const SignedTx& stx) { return Blake2b256(Encode(stx)); }

size_t EncodedSize(const SignedTx& stx) {
  // version, then the tx (version, type, payload version, sender, nonce, ttl, gas, gas price,
  // payload length and bytes), then the signature.
  return 1 + (1 + 2 + 1 + sizeof(PublicKey) + 4 * 8 + 4 + stx.tx.payload.size()) + sizeof(Signature);
}

Hash Header::BlockHash() const { return Blake2b256(Encode(*this)); }

Hash Header::SealHash() const {
  Header unsealed = *this;
  unsealed.seal.clear();
  return Blake2b256(Encode(unsealed));
}

Hash TxRoot(const std::vector<Hash>& tx_hashes) {
  if (tx_hashes.empty()) return kZeroHash;
  std::vector<Hash> level;
  level.reserve(tx_hashes.size());
  const uint8_t leaf_tag = 0x00, node_tag = 0x01;
  for (const Hash& h : tx_hashes) level.push_back(Blake2b256({ByteView(&leaf_tag, 1), ByteView(h)}));
  while (level.size() > 1) {
    std::vector<Hash> next;
    next.reserve((level.size() + 1) / 2);
    for (size_t i = 0; i + 1 < level.size(); i += 2)
      next.push_back(Blake2b256({ByteView(&node_tag, 1), ByteView(level[i]), ByteView(level[i + 1])}));
    if (level.size() % 2) next.push_back(level.back());
    level = std::move(next);
  }
  return level[0];
}

Hash NextEntropy(const Header& parent) {
  Hash parent_hash = parent.BlockHash();
  return Blake2b256({AsView(std::string_view("bciin.entropy")), ByteView(parent.entropy),
                     ByteView(parent_hash)});
}

Hash StateRoots::Root() const { return Blake2b256(Encode(*this)); }

const Hash* StateRoots::Find(std::string_view name) const {
  for (const SubtreeRoot& s : subtrees)
    if (s.name == name) return &s.root;
  return nullptr;
}

}  // namespace bciin::chain
