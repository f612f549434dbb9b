// The mean solver's bucket pool: one anonymous mapping, backed by transparent huge pages where the
// kernel offers them (2 MiB pages: streaming over gigabytes of scattered chunks then misses the TLB
// far less, and first touch faults 512 times less often). Pages are only committed when touched.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace bciin::cuckoo::detail {

class PoolMemory {
 public:
  explicit PoolMemory(size_t bytes) : bytes_(bytes) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, bytes_, MADV_HUGEPAGE);  // advice only: without THP the pool works on normal pages
#endif
    data_ = static_cast<uint8_t*>(p);
  }
  ~PoolMemory() { munmap(data_, bytes_); }
  PoolMemory(const PoolMemory&) = delete;
  PoolMemory& operator=(const PoolMemory&) = delete;

  uint8_t* get() const { return data_; }

 private:
  size_t bytes_;
  uint8_t* data_ = nullptr;
};

}  // namespace bciin::cuckoo::detail
