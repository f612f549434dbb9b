#include "bciin/cuckoo/verify.h"

namespace bciin::cuckoo {

std::string_view verify_code_name(VerifyCode code) {
  switch (code) {
    case VerifyCode::kOk: return "POW_OK";
    case VerifyCode::kHeaderLength: return "POW_HEADER_LENGTH";
    case VerifyCode::kTooBig: return "POW_TOO_BIG";
    case VerifyCode::kTooSmall: return "POW_TOO_SMALL";
    case VerifyCode::kNonMatching: return "POW_NON_MATCHING";
    case VerifyCode::kBranch: return "POW_BRANCH";
    case VerifyCode::kDeadEnd: return "POW_DEAD_END";
    case VerifyCode::kShortCycle: return "POW_SHORT_CYCLE";
  }
  return "POW_UNKNOWN";
}

std::string_view verify_code_message(VerifyCode code) {
  switch (code) {
    case VerifyCode::kOk: return "OK";
    case VerifyCode::kHeaderLength: return "wrong header length";
    case VerifyCode::kTooBig: return "edge too big";
    case VerifyCode::kTooSmall: return "edges not ascending";
    case VerifyCode::kNonMatching: return "endpoints don't match up";
    case VerifyCode::kBranch: return "branch in cycle";
    case VerifyCode::kDeadEnd: return "cycle dead ends";
    case VerifyCode::kShortCycle: return "cycle too short";
  }
  return "unknown";
}

VerifyCode verify(const SipKeys& keys, const Proof& edges, unsigned edge_bits) {
  if (edge_bits < kMinEdgeBits || edge_bits > kMaxEdgeBits) return VerifyCode::kTooBig;
  const uint64_t mask = edge_mask_for(edge_bits);
  // Position 2n holds U[n], 2n+1 holds V[n] (cuckoo.md 6.2).
  uint64_t ends[2 * kProofSize];
  for (unsigned n = 0; n < kProofSize; ++n) {
    if (edges[n] > mask) return VerifyCode::kTooBig;
    if (n > 0 && edges[n] <= edges[n - 1]) return VerifyCode::kTooSmall;
    ends[2 * n] = sipnode(keys, edges[n], 0, mask);
    ends[2 * n + 1] = sipnode(keys, edges[n], 1, mask);
  }
  return verify_endpoints(ends);
}

VerifyCode verify_endpoints(const uint64_t (&ends)[2 * kProofSize]) {
  // (PROOFSIZE/2) & 1: the 21 node pairs of a valid cycle each xor to 1 on each side.
  uint64_t xor_u = (kProofSize / 2) & 1, xor_v = (kProofSize / 2) & 1;
  for (unsigned n = 0; n < kProofSize; ++n) {
    xor_u ^= ends[2 * n];
    xor_v ^= ends[2 * n + 1];
  }
  if (xor_u != 0 || xor_v != 0) return VerifyCode::kNonMatching;

  // Walk: from position i find the other position on the same side in the same node pair, then cross
  // the edge. The plain O(42^2) scan of the reference's doc/spec; results equal its bucketed version.
  unsigned count = 0;
  unsigned i = 0;
  do {
    unsigned match = i;
    for (unsigned k = (i + 2) % (2 * kProofSize); k != i; k = (k + 2) % (2 * kProofSize)) {
      if ((ends[k] >> 1) == (ends[i] >> 1)) {
        if (match != i) return VerifyCode::kBranch;
        match = k;
      }
    }
    if (match == i || ends[match] == ends[i]) return VerifyCode::kDeadEnd;
    i = match ^ 1;
    ++count;
  } while (i != 0);
  return count == kProofSize ? VerifyCode::kOk : VerifyCode::kShortCycle;
}

}  // namespace bciin::cuckoo
