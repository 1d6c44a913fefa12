// allocpage: see allocpage.hpp for the contract and README.md for the design.
//
// The whole allocator is one reservation of address space, cut in pages of
// one size and numbered from its base.  Three flat tables, indexed by page
// number, say everything about a page:
//   owner[i]  0, or the owning thread's id + 1 on every page of an exclusive block
//   head[i]   on the first page of a block: its length while in use, kFreed|length
//             once freed; 0 on every other page
//   next[i]   free-list link of a freed block (first page number + 1; 0 ends)
// so owner(addr) is one subtraction, one shift and one load.
//
// Pages [0, committed) are mapped and pre-faulted; [0, bump) have been handed
// out at least once.  A request pops a block of its exact size from a free
// list, else carves one at bump with a CAS; both are lock-free and touch only
// memory that is already faulted in, so an atomic request makes no system
// call.  Only a blocking request, finding neither, takes the refill mutex and
// commits more of the reservation.
#include "allocators/allocpage.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>

#include "allocators/pagemap.hpp"

namespace {

constexpr uint32_t kFreed = 1u << 31;
constexpr int kSizeClasses = 64;  // distinct block sizes with a free list of their own

// A Treiber stack of freed blocks of one size.  The head packs a 32-bit tag,
// bumped by every push and pop, with the top block's page number + 1: a pop
// that read a stale "next" fails its CAS instead of corrupting the list (ABA).
struct FreeList {
  std::atomic<size_t> npages{0};  // 0: slot not yet claimed; set once, then fixed
  std::atomic<uint64_t> head{0};
};

struct Allocator {
  pagemap map;
  size_t max_pages = 0;
  unsigned page_shift = 0;
  size_t refill_pages = 0;
  std::atomic<uint32_t>* owner = nullptr;
  std::atomic<uint32_t>* head = nullptr;
  std::atomic<uint32_t>* next = nullptr;
  size_t meta_bytes = 0;
  std::atomic<size_t> bump{0};
  std::atomic<size_t> committed{0};
  FreeList lists[kSizeClasses];
  std::mutex refill_mutex;  // blocking refills only; never on an atomic request
  std::atomic<size_t> in_use{0}, high_water{0}, reserve_hits{0}, refills{0}, failed_atomic{0};
  std::atomic<size_t> foreign_frees{0}, double_frees{0}, invalid_frees{0};
};

Allocator* g = nullptr;  // set by init before any use, cleared by fini after all use
std::atomic<int> next_thread_id{0};

void default_reporter(allocpage_status what, const void* addr, int owner, int caller) {
  std::fprintf(stderr, "allocpage: %s of %p (owner thread %d, caller thread %d)\n",
               allocpage_status_name(what), addr, owner, caller);
}
std::atomic<allocpage_reporter> reporter{default_reporter};

constexpr uint64_t pack(uint64_t tag, uint32_t top) { return (tag << 32) | top; }

size_t pop(Allocator& a, FreeList& l) {  // page number, or SIZE_MAX when empty
  uint64_t h = l.head.load(std::memory_order_acquire);
  for (;;) {
    uint32_t top = static_cast<uint32_t>(h);
    if (top == 0) return SIZE_MAX;
    uint32_t nxt = a.next[top - 1].load(std::memory_order_relaxed);
    if (l.head.compare_exchange_weak(h, pack((h >> 32) + 1, nxt), std::memory_order_acquire,
                                     std::memory_order_acquire))
      return top - 1;
  }
}

void push(Allocator& a, FreeList& l, size_t page) {
  uint64_t h = l.head.load(std::memory_order_relaxed);
  do {
    a.next[page].store(static_cast<uint32_t>(h), std::memory_order_relaxed);
  } while (!l.head.compare_exchange_weak(h, pack((h >> 32) + 1, static_cast<uint32_t>(page + 1)),
                                         std::memory_order_release, std::memory_order_relaxed));
}

// The free list of blocks of n pages; with claim, one is created if there is
// none and a slot is left.  Slots are claimed in order, so a lookup may stop
// at the first unclaimed one.
FreeList* list_for(Allocator& a, size_t n, bool claim) {
  for (FreeList& l : a.lists) {
    size_t s = l.npages.load(std::memory_order_acquire);
    if (s == 0) {
      if (!claim) return nullptr;
      if (l.npages.compare_exchange_strong(s, n, std::memory_order_acq_rel)) return &l;
    }
    if (s == n) return &l;
  }
  return nullptr;
}

size_t carve(Allocator& a, size_t n) {  // n never-used pages from bump, or SIZE_MAX
  size_t b = a.bump.load(std::memory_order_relaxed);
  do {
    if (b + n > a.committed.load(std::memory_order_acquire)) return SIZE_MAX;
  } while (!a.bump.compare_exchange_weak(b, b + n, std::memory_order_relaxed));
  return b;
}

// Maps and pre-faults the next `add` pages of the reservation and publishes
// them.  Callers: init, and refill under the refill mutex.
bool commit(Allocator& a, size_t add, std::string* error) {
  size_t c = a.committed.load(std::memory_order_relaxed);
  if (!pagemap_commit(a.map, c << a.page_shift, add << a.page_shift, error)) return false;
  // Fault the metadata of the new pages in now, not on some atomic request.
  for (size_t i = c; i < c + add; ++i) {
    a.owner[i].store(0, std::memory_order_relaxed);
    a.head[i].store(0, std::memory_order_relaxed);
    a.next[i].store(0, std::memory_order_relaxed);
  }
  a.committed.store(c + add, std::memory_order_release);
  return true;
}

// Why the calling thread's last refill failed (allocpage_last_error).
thread_local std::string last_error;

// Commits at least n more pages (blocking requests only).
bool refill(Allocator& a, size_t n) {
  std::lock_guard<std::mutex> lock(a.refill_mutex);
  size_t c = a.committed.load(std::memory_order_relaxed);
  if (a.bump.load(std::memory_order_relaxed) + n <= c) return true;  // someone else refilled
  size_t add = std::min(std::max(a.refill_pages, n), a.max_pages - c);
  std::string error = "allocpage: the reservation (limit_bytes) is used up";
  if (add == 0 || !commit(a, add, &error)) {
    last_error = error;  // for the caller to report (allocpage_last_error): a library does not print
    return false;
  }
  a.refills.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void* hand_out(Allocator& a, size_t page, size_t n, unsigned flags) {
  uint32_t own = (flags & ALLOCPAGE_EXCLUSIVE) ? static_cast<uint32_t>(allocpage_thread_id()) + 1 : 0;
  for (size_t i = page; i < page + n; ++i) a.owner[i].store(own, std::memory_order_relaxed);
  a.head[page].store(static_cast<uint32_t>(n), std::memory_order_release);
  size_t used = a.in_use.fetch_add(n, std::memory_order_relaxed) + n;
  size_t hw = a.high_water.load(std::memory_order_relaxed);
  while (used > hw && !a.high_water.compare_exchange_weak(hw, used, std::memory_order_relaxed)) {
  }
  return a.map.base + (page << a.page_shift);
}

allocpage_status report(Allocator& a, allocpage_status what, const void* addr, int owner) {
  (what == allocpage_status::foreign_free  ? a.foreign_frees
   : what == allocpage_status::double_free ? a.double_frees
                                           : a.invalid_frees)
      .fetch_add(1, std::memory_order_relaxed);
  reporter.load(std::memory_order_acquire)(what, addr, owner, allocpage_thread_id());
  return what;
}

}  // namespace

const char* allocpage_status_name(allocpage_status s) {
  switch (s) {
    case allocpage_status::ok: return "ok";
    case allocpage_status::foreign_free: return "foreign free";
    case allocpage_status::double_free: return "double free";
    case allocpage_status::invalid_free: return "invalid free";
  }
  return "?";
}

int allocpage_thread_id() {
  thread_local int id = next_thread_id.fetch_add(1, std::memory_order_relaxed);
  return id;
}

bool allocpage_init(const allocpage_config& cfg, std::string* error, bool* resource_failure) {
  bool ignored;
  bool& resource = resource_failure != nullptr ? *resource_failure : ignored;
  resource = false;
  if (g) {
    *error = "allocpage: already initialised (one page size per process)";
    return false;
  }
  size_t first = std::max(cfg.reserve_bytes, cfg.page_size);
  allocpage_method method = cfg.method;
  if (!pagemap_available(cfg.page_size, &method, first, error)) return false;
  resource = true;  // from here on, a failure is the machine's memory or address space
  auto* a = new Allocator;
  if (!pagemap_reserve(a->map, cfg.page_size, std::max(cfg.limit_bytes, first), first, cfg.method, error)) {
    delete a;
    return false;
  }
  a->page_shift = static_cast<unsigned>(__builtin_ctzll(cfg.page_size));
  a->max_pages = std::min<size_t>(a->map.limit >> a->page_shift, kFreed - 1);
  a->refill_pages = std::max<size_t>(1, (cfg.refill_bytes + cfg.page_size - 1) >> a->page_shift);
  a->meta_bytes = 3 * a->max_pages * sizeof(std::atomic<uint32_t>);
  void* meta = mmap(nullptr, a->meta_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (meta == MAP_FAILED) {
    *error = "allocpage: cannot map the page tables";
    pagemap_release(a->map);
    delete a;
    return false;
  }
  a->owner = static_cast<std::atomic<uint32_t>*>(meta);
  a->head = a->owner + a->max_pages;
  a->next = a->head + a->max_pages;
  a->lists[0].npages.store(1);  // single pages: the most common size, found first
  // The reserve: at least one page, so that init itself proves the page size.
  size_t reserve = std::min(a->max_pages, std::max<size_t>(1, (cfg.reserve_bytes + cfg.page_size - 1) >> a->page_shift));
  g = a;
  if (!commit(*a, reserve, error)) {
    allocpage_fini();
    return false;
  }
  return true;
}

void allocpage_fini() {
  if (!g) return;
  munmap(g->owner, g->meta_bytes);
  pagemap_release(g->map);
  delete g;
  g = nullptr;
}

bool allocpage_ready() { return g != nullptr; }

void* allocpage_block(size_t npages, unsigned flags) {
  Allocator* a = g;
  bool atomic = flags & ALLOCPAGE_ATOMIC, blocking = flags & ALLOCPAGE_BLOCKING;
  if (!a || atomic == blocking || npages == 0 || npages > a->max_pages) return nullptr;
  for (bool refilled = false;; refilled = true) {
    size_t page = SIZE_MAX;
    if (FreeList* l = list_for(*a, npages, false)) page = pop(*a, *l);
    if (page == SIZE_MAX) page = carve(*a, npages);
    if (page != SIZE_MAX) {
      if (!refilled) a->reserve_hits.fetch_add(1, std::memory_order_relaxed);
      return hand_out(*a, page, npages, flags);
    }
    if (atomic) {
      a->failed_atomic.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    if (!refill(*a, npages)) return nullptr;
  }
}

void* allocpage(unsigned flags) { return allocpage_block(1, flags); }

bool allocpage_refill(size_t npages) {
  Allocator* a = g;
  if (!a || npages == 0 || npages > a->max_pages) return false;
  return refill(*a, npages);
}

allocpage_status allocpage_free(void* p) {
  Allocator* a = g;
  if (!a) return allocpage_status::invalid_free;
  uintptr_t off = reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(a->map.base);
  size_t page = off >> a->page_shift;
  if (off >= a->map.limit || (off & (a->map.page_size - 1)) ||
      page >= a->committed.load(std::memory_order_acquire))
    return report(*a, allocpage_status::invalid_free, p, -1);
  uint32_t h = a->head[page].load(std::memory_order_acquire);
  int own = static_cast<int>(a->owner[page].load(std::memory_order_relaxed)) - 1;
  if (h == 0) return report(*a, allocpage_status::invalid_free, p, own);
  if (h & kFreed) return report(*a, allocpage_status::double_free, p, own);
  if (own >= 0 && own != allocpage_thread_id()) return report(*a, allocpage_status::foreign_free, p, own);
  // Two frees racing: one wins the CAS, the other is the double free.
  if (!a->head[page].compare_exchange_strong(h, h | kFreed, std::memory_order_acq_rel))
    return report(*a, allocpage_status::double_free, p, own);
  size_t n = h;
  for (size_t i = page; i < page + n; ++i) a->owner[i].store(0, std::memory_order_relaxed);
  a->in_use.fetch_sub(n, std::memory_order_relaxed);
  if (FreeList* l = list_for(*a, n, true)) {
    push(*a, *l, page);
  } else {
    // Every size-class slot is taken by other sizes: the block lives on as n
    // single pages rather than being lost.
    for (size_t i = page; i < page + n; ++i) {
      a->head[i].store(kFreed | 1, std::memory_order_relaxed);
      push(*a, a->lists[0], i);
    }
  }
  return allocpage_status::ok;
}

int allocpage_owner(const void* addr) {
  const Allocator* a = g;
  if (!a) return -1;
  uintptr_t off = reinterpret_cast<uintptr_t>(addr) - reinterpret_cast<uintptr_t>(a->map.base);
  if (off >= a->map.limit) return -1;
  return static_cast<int>(a->owner[off >> a->page_shift].load(std::memory_order_relaxed)) - 1;
}

void allocpage_reservation(uintptr_t* base, size_t* bytes) {
  *base = g ? reinterpret_cast<uintptr_t>(g->map.base) : 0;
  *bytes = g ? g->map.limit : 0;
}

size_t allocpage_page_size() { return g ? g->map.page_size : 0; }

allocpage_stats allocpage_get_stats() {
  allocpage_stats s{};
  if (!g) return s;
  auto r = [](const std::atomic<size_t>& v) { return v.load(std::memory_order_relaxed); };
  s.page_size = g->map.page_size;
  s.pages_in_use = r(g->in_use);
  s.high_water = r(g->high_water);
  s.pages_committed = r(g->committed);
  s.reserve_hits = r(g->reserve_hits);
  s.refills = r(g->refills);
  s.failed_atomic = r(g->failed_atomic);
  s.foreign_frees = r(g->foreign_frees);
  s.double_frees = r(g->double_frees);
  s.invalid_frees = r(g->invalid_frees);
  return s;
}

void allocpage_set_reporter(allocpage_reporter fn) {
  reporter.store(fn ? fn : default_reporter, std::memory_order_release);
}

const char* allocpage_last_error() { return last_error.c_str(); }
