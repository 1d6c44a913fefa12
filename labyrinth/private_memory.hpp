// Where a worker's private memory (its grid copy, expansion queue and
// traceback buffer) comes from, and how the TM learns that it is private.
//
// The router asks a PrivateMemorySource for one PrivateMemory per worker,
// on that worker's thread (an allocator may give thread-owned pages), and
// hands its predicate to the TM runtime, which then leaves that memory out
// of conflict detection (tm/tm.hpp, "Private memory").
//
// Freeing inside a transaction is refused, not merely avoided: a block the
// transaction wrote may still be in its write set or undo log, and freeing it
// before the commit lets the commit (or an abort's roll-back) write into
// freed memory.  Inside a transaction, blocks come and go through the TM's
// transaction-safe tx.alloc/tx.free with tx_source(), which the runtime
// frees only once the attempt has committed.
//
// Two lifetimes use it (--private-lifetime, RouterParams::private_lifetime):
// per worker, the blocks are allocated once before the first transaction
// (allocate) and only a growing queue goes through tx_source(); per
// transaction, every routing attempt takes its blocks through
// atomic_source(), whose requests never block: when one cannot be served
// (allocpage's pre-faulted reserve is dry) it says nullptr, the attempt
// commits nothing, and the worker refills (refill(), blocking) outside any
// transaction before routing the pair again.
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
  PrivateMemory();
  virtual ~PrivateMemory() = default;
  PrivateMemory(const PrivateMemory&) = delete;
  PrivateMemory& operator=(const PrivateMemory&) = delete;

  // Outside transactions only (std::logic_error inside one: use tx_source()).
  // 64-byte aligned; throws std::bad_alloc when it cannot.
  void* allocate(size_t bytes);
  // Outside transactions only (std::logic_error inside one: use tx_source()).
  // A bad free (a block this memory did not give, or gave back already) is
  // never thrown from here: it is counted, and error() describes the first.
  void deallocate(void* p, size_t bytes);
  // For tx.alloc(bytes, src) and tx.free(p, bytes, src) inside transactions.
  const lbtm::BlockSource& tx_source() const { return tx_source_; }
  // The same with requests that never block and make no system call where
  // the memory can promise it (allocpage: atomic requests from the
  // reserve): nullptr when the request cannot be served now.  Memory that
  // cannot promise it (malloc) serves these as tx_source() does.
  const lbtm::BlockSource& atomic_source() const { return atomic_source_; }
  // Outside transactions only (std::logic_error inside one): after an
  // atomic request of `bytes` failed, makes memory for it available (a
  // blocking refill).  false when no more can be had.
  bool refill(size_t bytes);

  // True for every address inside a block from allocate() that is still live.
  virtual lbtm::PrivatePredicate predicate() const = 0;
  // The first bad free, empty if none (deferred frees report here too).
  const std::string& error() const { return error_; }

 protected:
  virtual void* do_allocate(size_t bytes) = 0;
  // Never blocks where the memory can promise it; nullptr: cannot now.
  virtual void* do_allocate_atomic(size_t bytes) { return do_allocate(bytes); }
  virtual bool do_refill(size_t /*bytes*/) { return true; }  // nothing to refill: do_allocate never fails that way
  // false: not a block of this memory, or already freed; *why says which.
  virtual bool do_deallocate(void* p, size_t bytes, std::string* why) noexcept = 0;

 private:
  static void* source_allocate(void* self, size_t bytes);
  static void* source_allocate_atomic(void* self, size_t bytes);
  static void source_deallocate(void* self, void* p, size_t bytes) noexcept;
  void release(void* p, size_t bytes) noexcept;
  lbtm::BlockSource tx_source_;
  lbtm::BlockSource atomic_source_;
  std::string error_;
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
// run (private_memory_allocpage.cpp), and 4 times that much address space.
// Throws RunError when it cannot: reason `usage`, the page size cannot be had
// (the message says what to configure); `resource`, the machine did not give
// the memory or address space.  Once per process.
PrivateMemorySource allocpage_private_memory(size_t page_size, size_t reserve_bytes);

}  // namespace lb
