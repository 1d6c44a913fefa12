// pagemap: the operating-system side of allocpage.  Reserves address space,
// commits (maps and pre-faults) ranges of it with pages of one size, and checks
// in /proc/self/smaps that the kernel really backs them with that size.
// Every function here makes system calls: allocpage calls them only at init
// and on blocking refills, never on an atomic request.
#pragma once
#include <cstddef>
#include <string>

#include "allocators/allocpage.hpp"

struct pagemap {
  char* base = nullptr;   // aligned to page_size
  size_t limit = 0;       // bytes of address space reserved at base
  size_t page_size = 0;
  allocpage_method method = allocpage_method::automatic;  // resolved: never automatic
};

// Can page_size pages be had on this machine?  Resolves *method (automatic
// -> a concrete one).  false + *error with what to configure (enough pages for
// first_commit bytes) when not: a configuration problem, not a lack of memory.
bool pagemap_available(size_t page_size, allocpage_method* method, size_t first_commit, std::string* error);
// Picks the method for the page size (pagemap_available) and
// reserves limit bytes of inaccessible address space.  false + *error with
// what to configure (enough pages for first_commit bytes) when the size
// cannot be had this way.
bool pagemap_reserve(pagemap& m, size_t page_size, size_t limit, size_t first_commit,
                     allocpage_method method, std::string* error);
// Maps [base+offset, base+offset+bytes) read-write, faults every page in and
// checks that the whole committed prefix [base, base+offset+bytes) is backed
// by page_size pages.
bool pagemap_commit(const pagemap& m, size_t offset, size_t bytes, std::string* error);
void pagemap_release(pagemap& m);

// The page size that backs all of [begin, begin+bytes) according to
// /proc/self/smaps, or 0 when it is mixed or not mapped; *detail says what was seen.
size_t pagemap_backing_page_size(const void* begin, size_t bytes, std::string* detail);

// The transparent-huge-page mode: the bracketed word of
// /sys/kernel/mm/transparent_hugepage/enabled ("madvise"), empty without THP.
// The one reading of it (allocpage's checks, labyrinth's record).
std::string pagemap_thp_mode();

// "4k", "2m", "1g" <-> bytes (0 when not one of these).
size_t pagemap_parse_size(const std::string& s);
std::string pagemap_size_name(size_t bytes);
