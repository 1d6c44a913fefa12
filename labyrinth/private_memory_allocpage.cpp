// Private memory from allocpage: every block is a page block of exclusive
// pages, owned by the worker's thread.
//
// The predicate answers "is addr in one of this worker's live blocks?" in two
// steps.  First, a per-worker cache of the ranges of its most recent blocks
// (kCached of them, kept in the context the STM passes to the predicate):
// the same few compares as malloc's range predicate, no table load.  Only an
// address outside every cached range inside allocpage's reservation falls
// back to allocpage_owner(addr) == this thread, one table load, O(1) whatever
// the number of blocks; addresses outside the reservation (the shared grid)
// are rejected by one range compare.  A cached range is a block this worker
// allocated and has not freed: deallocate drops it before the pages go back,
// and only the owning thread may free exclusive pages (allocpage.hpp), so the
// cache can never say true for pages that are no longer this worker's.
//
// Why not owner() alone: it is a call and a table load per access, and made
// instrumented private accesses ~1.33x slower than malloc's predicate
// (allocators/README.md, "Private predicate").
#include <algorithm>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "allocators/allocpage.hpp"
#include "labyrinth/private_memory.hpp"
#include "labyrinth/run_error.hpp"

namespace lb {
namespace {

class AllocpagePrivateMemory final : public PrivateMemory {
 public:
  // Made on the worker's thread (PrivateMemorySource::make): that thread owns the pages.
  AllocpagePrivateMemory() : thread_(allocpage_thread_id()) {
    allocpage_reservation(&base_, &limit_);
  }

  // std::bad_alloc (what the interface promises) that says why: allocpage's reason.
  class OutOfPages : public std::bad_alloc {
   public:
    explicit OutOfPages(std::string why) : why_(std::move(why)) {}
    const char* what() const noexcept override { return why_.empty() ? "allocpage: out of pages" : why_.c_str(); }

   private:
    std::string why_;
  };

  lbtm::PrivatePredicate predicate() const override { return {&owned, this}; }

 protected:
  // Per worker: blocking.  The reserve was sized for the run, but a queue
  // that grows may need a refill, and a refill is better than a failed run.
  void* do_allocate(size_t bytes) override {
    void* p = take(bytes, ALLOCPAGE_BLOCKING);
    if (p == nullptr) throw OutOfPages(allocpage_last_error());
    return p;
  }
  // Per transaction: atomic, from the pre-faulted reserve only (no system
  // call, no lock, no blocking); nullptr when it is dry, and the router
  // refills after the transaction (do_refill).
  void* do_allocate_atomic(size_t bytes) override { return take(bytes, ALLOCPAGE_ATOMIC); }
  bool do_refill(size_t bytes) override { return allocpage_refill(pages(bytes)); }
  bool do_deallocate(void* p, size_t, std::string* why) noexcept override {
    // Dropped from the cache before the pages can go to another thread; the
    // rest keep their order.
    uintptr_t begin = reinterpret_cast<uintptr_t>(p);
    int kept = 0;
    for (int i = 0; i < ncached_; ++i)
      if (cached_[i].begin != begin) cached_[kept++] = cached_[i];
    ncached_ = kept;
    allocpage_status s = allocpage_free(p);  // detects foreign, double and invalid frees
    if (s == allocpage_status::ok) return true;
    *why = std::string("allocpage: ") + allocpage_status_name(s);
    return false;
  }

 private:
  static size_t pages(size_t bytes) {
    size_t page = allocpage_page_size();
    return (std::max<size_t>(bytes, 1) + page - 1) / page;
  }
  void* take(size_t bytes, unsigned flags) {
    size_t npages = pages(bytes);
    void* p = allocpage_block(npages, flags | ALLOCPAGE_EXCLUSIVE);
    if (p == nullptr) return nullptr;
    // In allocation order, as malloc's predicate keeps them: Labyrinth's
    // first block is the grid, the most accessed, so it is compared first.
    // A block past kCached replaces the last slot (the one it pushes out is
    // still found by owner()).
    cached_[std::min(ncached_, kCached - 1)] = {reinterpret_cast<uintptr_t>(p), npages * allocpage_page_size()};
    ncached_ = std::min(ncached_ + 1, kCached);
    return p;
  }

  static constexpr int kCached = 4;  // Labyrinth's worker holds 3 blocks: grid, queue, traceback
  struct Range {
    uintptr_t begin = 0;
    size_t bytes = 0;
  };

  static bool owned(const void* addr, const void* ctx) {
    const auto* self = static_cast<const AllocpagePrivateMemory*>(ctx);
    uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    for (int i = 0; i < self->ncached_; ++i)
      if (a - self->cached_[i].begin < self->cached_[i].bytes) return true;
    if (a - self->base_ >= self->limit_) return false;
    return allocpage_owner(addr) == self->thread_;
  }

  Range cached_[kCached];
  int ncached_ = 0;
  uintptr_t base_ = 0;
  size_t limit_ = 0;
  int thread_;
};

}  // namespace

PrivateMemorySource allocpage_private_memory(size_t page_size, size_t reserve_bytes) {
  allocpage_config cfg;
  cfg.page_size = page_size;
  cfg.reserve_bytes = reserve_bytes;
  // Address space sized from the run, not allocpage's 16 GiB default (which
  // failed under `ulimit -v` whatever the input): the reserve, and room for
  // queues that grow (a grown queue lives beside the old one until the
  // routing transaction commits) in refills of the reserve's size.
  cfg.limit_bytes = 4 * std::max(reserve_bytes, page_size);
  cfg.refill_bytes = std::max(reserve_bytes, page_size);
  std::string error;
  bool resource = false;
  if (!allocpage_init(cfg, &error, &resource))
    throw RunError(resource ? FailureReason::kResource : FailureReason::kUsage, error);
  // A bad free is the run's to report: do_deallocate gets allocpage's status,
  // PrivateMemory keeps the first as error() and the run fails with it.  So
  // allocpage's own report (a line on stderr by default) stays silent here.
  allocpage_set_reporter([](allocpage_status, const void*, int, int) {});
  PrivateMemorySource out;
  out.name = "allocpage";
  out.page_size = static_cast<int64_t>(allocpage_page_size());
  out.make = [] { return std::make_unique<AllocpagePrivateMemory>(); };
  return out;
}

}  // namespace lb
