// Many siphashes at once. On x86-64 the loops are compiled for AVX-512, AVX2 and baseline, picked at
// load time (GCC target_clones), so one binary runs everywhere and uses the widest lanes it finds.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bciin/cuckoo/siphash.h"

namespace bciin::cuckoo::detail {

// out[i] = sipnode(keys, edges[i], side, mask) for i < count.
void sipnodes(const SipKeys& keys, const uint64_t* edges, size_t count, unsigned side, uint64_t mask,
              uint64_t* out);

// out[i] = sipnode(keys, first + i, side, mask) for i < count.
void sipnodes_range(const SipKeys& keys, uint64_t first, size_t count, unsigned side, uint64_t mask,
                    uint64_t* out);

}  // namespace bciin::cuckoo::detail
