// Light-client verification: a state entry (or its absence) against a header alone.
#pragma once

#include <bciin/chain/objects.h>

#include <optional>

namespace bciin::chain {

// Checks that `proof` binds `proof.key` of `proof.subtree` to a value, or to no value, under
// `header.state_root`. On success `*value` (when not null) receives the proven value, nullopt
// for a proven absence. Errors say which link failed (state root, subtree, path).
Status VerifyStateProof(const Header& header, const StateProof& proof,
                        std::optional<Bytes>* value);

// The same, from encodings (both decoded canonically): the light client's input.
Status VerifyStateProof(ByteView header_bytes, ByteView proof_bytes,
                        std::optional<Bytes>* value);

}  // namespace bciin::chain
