// The Cuckatoo verifier, exact to the reference (tromp/cuckoo src/cuckatoo/cuckatoo.h::verify and
// Grin's cuckatoo.rs::verify_impl): same checks in the same order, same result codes.
#pragma once

#include <cstdint>
#include <string_view>

#include "bciin/cuckoo/proof.h"
#include "bciin/cuckoo/siphash.h"

namespace bciin::cuckoo {

// Numeric values are the reference's POW_* codes and are part of the tool's output contract.
enum class VerifyCode : int {
  kOk = 0,           // POW_OK
  kHeaderLength = 1, // POW_HEADER_LENGTH (never returned by verify; kept for the numbering)
  kTooBig = 2,       // POW_TOO_BIG: an index above 2^edge_bits - 1
  kTooSmall = 3,     // POW_TOO_SMALL: indices not strictly ascending
  kNonMatching = 4,  // POW_NON_MATCHING: endpoint xor test failed
  kBranch = 5,       // POW_BRANCH: a node pair used by more than two edges
  kDeadEnd = 6,      // POW_DEAD_END: the walk cannot leave a node pair
  kShortCycle = 7,   // POW_SHORT_CYCLE: the walk closed before visiting all 42 edges
};

// "POW_OK", "POW_TOO_BIG", ...
std::string_view verify_code_name(VerifyCode code);
// The reference's message: "OK", "edge too big", "edges not ascending", ...
std::string_view verify_code_message(VerifyCode code);

// Verifies that `edges` is a 42-cycle of the Cuckatoo graph keyed by `keys` at `edge_bits`: a cycle of
// node pairs {2m, 2m+1} that uses different members of the pair at each step. Requires
// 1 <= edge_bits <= 63 (an edge_bits outside that range returns kTooBig); callers check edge_bits against
// their network's setting first. 84 siphashes, no allocation, thread-safe.
VerifyCode verify(const SipKeys& keys, const Proof& edges, unsigned edge_bits);

// The part of verify() after hashing: the xor test and the walk over precomputed endpoints, where
// ends[2n] = U endpoint and ends[2n + 1] = V endpoint of edge n. Returns kOk, kNonMatching, kBranch,
// kDeadEnd or kShortCycle. Lets tests build structured graphs without searching siphash outputs.
VerifyCode verify_endpoints(const uint64_t (&ends)[2 * kProofSize]);

}  // namespace bciin::cuckoo
