// Memory that faults on any access once freed: each block is its own mmap,
// and a free makes it PROT_NONE for good (never unmapped, never reused, until
// the quarantine itself goes).  A test that frees through it turns any
// later write into freed memory (a commit's write-back, an undo log's
// roll-back) into a SIGSEGV in every build, not only under ASan.
#pragma once
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace lb_test {

class Quarantine {
 public:
  ~Quarantine() {
    for (const Block& b : blocks_) munmap(b.p, b.bytes);
  }
  void* allocate(size_t bytes) {
    size_t rounded = round(bytes);
    void* p = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    std::lock_guard<std::mutex> g(mu_);
    blocks_.push_back({p, rounded, true});
    return p;
  }
  // false: not a live block of this quarantine (a bad free).
  bool free(void* p) {
    std::lock_guard<std::mutex> g(mu_);
    for (Block& b : blocks_)
      if (b.p == p && b.live) {
        mprotect(p, b.bytes, PROT_NONE);
        b.live = false;
        frees_.fetch_add(1);
        return true;
      }
    return false;
  }
  bool live(const void* addr) const {
    std::lock_guard<std::mutex> g(mu_);
    for (const Block& b : blocks_)
      if (b.live && addr >= b.p && addr < static_cast<const char*>(b.p) + b.bytes) return true;
    return false;
  }
  bool freed(const void* p) const {
    std::lock_guard<std::mutex> g(mu_);
    return std::any_of(blocks_.begin(), blocks_.end(), [&](const Block& b) { return b.p == p && !b.live; });
  }
  uint64_t frees() const { return frees_.load(); }

 private:
  struct Block {
    void* p;
    size_t bytes;
    bool live;
  };
  static size_t round(size_t bytes) {
    size_t page = size_t(sysconf(_SC_PAGESIZE));
    return (std::max<size_t>(bytes, 1) + page - 1) / page * page;
  }
  mutable std::mutex mu_;
  std::vector<Block> blocks_;
  std::atomic<uint64_t> frees_{0};
};

}  // namespace lb_test
