#include <bciin/chain/address.h>
#include <bciin/chain/hash.h>
#include <bciin/chain/light_client.h>

namespace bciin::chain {

Status VerifyStateProof(const Header& header, const StateProof& proof,
                        std::optional<Bytes>* value) {
  if (proof.roots.Root() != header.state_root)
    return Status::Rejected("the proof's subtree roots do not hash to the header's state root " +
                            StateId(header.state_root));
  const Hash* subtree_root = proof.roots.Find(proof.subtree);
  if (subtree_root == nullptr)
    return Status::Rejected("the state has no subtree '" + proof.subtree + "'");
  std::optional<Bytes> proven;
  if (proof.proof.terminal == SmtProof::kLeaf) proven = proof.proof.value;
  Status s = VerifySmtProof(*subtree_root, Blake2b256(proof.key), proven, proof.proof);
  if (!s.ok()) return s.WithContext("subtree '" + proof.subtree + "'");
  if (value) *value = std::move(proven);
  return Status();
}

Status VerifyStateProof(ByteView header_bytes, ByteView proof_bytes,
                        std::optional<Bytes>* value) {
  Header header;
  BCIIN_RETURN_IF_ERROR(DecodeCanonical(header_bytes, &header, "header"));
  StateProof proof;
  BCIIN_RETURN_IF_ERROR(DecodeCanonical(proof_bytes, &proof, "state proof"));
  return VerifyStateProof(header, proof, value);
}

}  // namespace bciin::chain
