// allocpage: the atomic page-block allocator.
//
// One page size per process (4 KiB, 2 MiB or 1 GiB), fixed by allocpage_init.
// Requests carry GFP-style flags and no size:
//
//   ALLOCPAGE_ATOMIC     never blocks, never sleeps, makes no system call and
//                        takes no lock: served from the pre-mapped, pre-faulted
//                        reserve, nullptr at once when the reserve is empty.
//   ALLOCPAGE_BLOCKING   may map and fault in more memory (a refill).
//   ALLOCPAGE_EXCLUSIVE  the page belongs to the calling thread:
//                        allocpage_owner(addr) says so for any address in it,
//                        and only that thread may free it.
//
// Exactly one of ATOMIC or BLOCKING must be given.
//
// Labyrinth's private grid is one contiguous ~15 MB object, so requests of a
// contiguous block of N pages (a "page block") are served too, with the same
// flags.  How (see README.md, "Page blocks"): the reserve is one range of
// address space; never-used pages are carved from its front by an atomic bump,
// and freed blocks go to a lock-free free list of their exact size.  Nothing is
// split or coalesced, so a freed block is reused only by a request of the same
// size: Labyrinth asks for the same sizes over and over, and in exchange every
// operation is one CAS loop.
//
// allocators/ knows nothing of TM or Labyrinth (../shared/DESIGN.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

enum allocpage_flags : unsigned {
  ALLOCPAGE_ATOMIC = 1u << 0,
  ALLOCPAGE_BLOCKING = 1u << 1,
  ALLOCPAGE_EXCLUSIVE = 1u << 2,
};

// How the pages of the chosen size are obtained.
enum class allocpage_method {
  automatic,  // 4 KiB: plain pages; 2 MiB: hugetlbfs if pages are reserved, else THP; 1 GiB: hugetlbfs
  plain,      // 4 KiB only
  thp,        // 2 MiB only: anonymous memory + madvise(MADV_HUGEPAGE)
  hugetlbfs,  // 2 MiB or 1 GiB: MAP_HUGETLB from the pages reserved in the kernel
};

struct allocpage_config {
  size_t page_size = 4096;          // 4096, 2 MiB or 1 GiB
  size_t reserve_bytes = 64 << 20;  // mapped and pre-faulted by init: what atomic requests live on
  size_t limit_bytes = 16ull << 30; // address space reserved: no more is ever committed
  size_t refill_bytes = 64 << 20;   // what one blocking refill commits at least
  allocpage_method method = allocpage_method::automatic;
};

struct allocpage_stats {
  size_t page_size;        // as obtained, checked in /proc/self/smaps
  size_t pages_in_use;
  size_t high_water;       // most pages in use at once
  size_t pages_committed;  // mapped and pre-faulted so far
  size_t reserve_hits;     // requests served from memory already committed (no refill needed)
  size_t refills;          // commits by blocking requests (init's is not counted)
  size_t failed_atomic;    // atomic requests answered with nullptr
  size_t foreign_frees;    // frees of an exclusive page by a thread that does not own it
  size_t double_frees;
  size_t invalid_frees;    // addresses that are not the start of a block of this allocator
};

// What allocpage_free found.  Anything but ok was also reported (see below)
// and left the allocator unchanged.
enum class allocpage_status { ok, foreign_free, double_free, invalid_free };
const char* allocpage_status_name(allocpage_status s);

// Sets up the process's allocator.  Returns false with *error saying what to
// configure when the page size cannot be had as asked (never a silent
// fallback to another size), or when already initialised.
// *resource_failure (if given) tells the two kinds of failure apart: false,
// the page size cannot be had here (configuration); true, the machine did not
// give the memory or address space (mmap failed: a ulimit, memory exhausted).
bool allocpage_init(const allocpage_config& cfg, std::string* error, bool* resource_failure = nullptr);
// Unmaps everything.  Only for tests and shutdown: no other thread may be
// using the allocator, and no page may be used afterwards.
void allocpage_fini();
bool allocpage_ready();

void* allocpage(unsigned flags);
void* allocpage_block(size_t npages, unsigned flags);
// Blocking: what a blocking request of npages does when it finds no memory,
// without taking any: unless npages never-used pages are committed already,
// commits more of the reservation (at least refill_bytes; counted in
// refills).  For a caller whose atomic request failed and who has left its
// atomic section: its next atomic request of npages finds them, unless
// another thread takes them first.  false when the reservation is used up.
bool allocpage_refill(size_t npages);
// Why the calling thread's last failed refill (a blocking request's or
// allocpage_refill's) failed, e.g. "allocpage: the reservation (limit_bytes)
// is used up"; "" if none has.  allocpage prints nothing itself.
const char* allocpage_last_error();
// Frees a page or a page block (given by its first address).
allocpage_status allocpage_free(void* p);

// The owner of an exclusive page: the allocpage_thread_id of the thread that
// took it, or -1 when addr is in no exclusive page of this allocator.  O(1):
// one bounds check and one table load.  Safe from any thread at any time.
int allocpage_owner(const void* addr);
// The calling thread's id as allocpage_owner reports it (small, dense, never reused).
int allocpage_thread_id();
// The reservation every page of this allocator lies in: [*base, *base + *bytes).
// Fixed from init to fini, so a caller may keep it (e.g. to reject foreign
// addresses without a call).  Both 0 before init.
void allocpage_reservation(uintptr_t* base, size_t* bytes);

size_t allocpage_page_size();  // as obtained; 0 before init
allocpage_stats allocpage_get_stats();

// Foreign, double and invalid frees are reported through this hook (default:
// one line on stderr).  Tests install their own.
using allocpage_reporter = void (*)(allocpage_status what, const void* addr, int owner, int caller);
void allocpage_set_reporter(allocpage_reporter fn);
