// Private memory from allocpage: every block is a page block of exclusive
// pages, owned by the worker's thread.  The predicate is allocpage_owner(addr)
// == this worker's thread: O(1) whatever the number of blocks, and true for
// every address inside them, which is what lets the STM leave them out of
// conflict detection.
#include <algorithm>
#include <new>
#include <stdexcept>

#include "allocators/allocpage.hpp"
#include "labyrinth/private_memory.hpp"

namespace lb {
namespace {

class AllocpagePrivateMemory final : public PrivateMemory {
 public:
  // Made on the worker's thread (PrivateMemorySource::make): that thread owns the pages.
  AllocpagePrivateMemory() : thread_(allocpage_thread_id()) {}

  lbtm::PrivatePredicate predicate() const override { return {&owned, &thread_}; }

 protected:
  void* do_allocate(size_t bytes) override {
    size_t page = allocpage_page_size();
    // Blocking: the reserve was sized for the run, but a queue that grows
    // may need a refill, and a refill is better than a failed run.
    void* p = allocpage_block((std::max<size_t>(bytes, 1) + page - 1) / page,
                              ALLOCPAGE_BLOCKING | ALLOCPAGE_EXCLUSIVE);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  bool do_deallocate(void* p, size_t, std::string* why) noexcept override {
    allocpage_status s = allocpage_free(p);  // detects foreign, double and invalid frees
    if (s == allocpage_status::ok) return true;
    *why = std::string("allocpage: ") + allocpage_status_name(s);
    return false;
  }

 private:
  static bool owned(const void* addr, const void* thread) {
    return allocpage_owner(addr) == *static_cast<const int*>(thread);
  }
  int thread_;
};

}  // namespace

bool allocpage_private_memory(size_t page_size, size_t reserve_bytes, PrivateMemorySource* out,
                              std::string* error, bool* resource_failure) {
  allocpage_config cfg;
  cfg.page_size = page_size;
  cfg.reserve_bytes = reserve_bytes;
  // Address space sized from the run, not allocpage's 16 GiB default (which
  // failed under `ulimit -v` whatever the input): the reserve, and room for
  // queues that grow (a grown queue lives beside the old one until the
  // routing transaction commits) in refills of the reserve's size.
  cfg.limit_bytes = 4 * std::max(reserve_bytes, page_size);
  cfg.refill_bytes = std::max(reserve_bytes, page_size);
  if (!allocpage_init(cfg, error, resource_failure)) return false;
  out->name = "allocpage";
  out->page_size = static_cast<int64_t>(allocpage_page_size());
  out->make = [] { return std::make_unique<AllocpagePrivateMemory>(); };
  return true;
}

}  // namespace lb
