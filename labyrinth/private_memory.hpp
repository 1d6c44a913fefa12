// Where a worker's private memory (its grid copy, expansion queue and
// traceback buffer) comes from, and how the TM learns that it is private.
//
// The router asks a PrivateMemorySource for one PrivateMemory per worker,
// on that worker's thread (an allocator may give thread-owned pages), and
// hands its predicate to the TM runtime, which then leaves that memory out
// of conflict detection (tm/tm.hpp, "Private memory").
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tm/tm.hpp"

namespace lb {

class PrivateMemory {
 public:
  virtual ~PrivateMemory() = default;
  // 64-byte aligned; throws std::bad_alloc when it cannot.
  virtual void* allocate(size_t bytes) = 0;
  virtual void deallocate(void* p, size_t bytes) = 0;
  // True for every address inside a block from allocate() that is still live.
  virtual lbtm::PrivatePredicate predicate() const = 0;
};

struct PrivateMemorySource {
  std::string name;          // recorded as private_memory.source
  int64_t page_size = 0;     // bytes, as obtained; 0 where it does not apply
  bool filter = true;        // hand the predicate to the TM (off: log everything)
  std::function<std::unique_ptr<PrivateMemory>()> make;  // called on each worker
};

// Private memory from the process's malloc (whichever one serves it).
PrivateMemorySource malloc_private_memory();

// Private memory from allocpage's exclusive pages of page_size bytes (4 KiB,
// 2 MiB or 1 GiB), with reserve_bytes mapped and pre-faulted now, before the
// run (private_memory_allocpage.cpp).  false + *error saying what to configure
// when the page size cannot be had.  Once per process.
bool allocpage_private_memory(size_t page_size, size_t reserve_bytes, PrivateMemorySource* out,
                              std::string* error);

}  // namespace lb
