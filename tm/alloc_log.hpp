// Transaction-safe allocation, shared by every runtime that runs a body it
// may have to undo: blocks allocated in an attempt are given back if the
// attempt aborts; blocks freed in an attempt are freed only when it commits.
// (STAMP's router leaks its path vector on every abort; this is the fix.)
// Blocks come from malloc or from a caller's BlockSource (tm/tm.hpp); a
// source that cannot serve a request now (an atomic reserve run dry) returns
// nullptr, which is logged nowhere and handed to the caller to decide.
//
// The runtime calls on_commit() after its commit has written back every
// store (stm) and on_abort() after its roll-back (direct runtimes), so no
// write-back or undo ever reaches a block this log has given back.
#pragma once
#include <cstdlib>
#include <new>
#include <vector>

#include "tm/stats.hpp"
#include "tm/tm.hpp"

namespace lbtm {

class AllocLog {
 public:
  void* alloc(size_t bytes) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
    allocated_.push_back({p, bytes, {}});
    return p;
  }
  void* alloc(size_t bytes, const BlockSource& src) {
    allocated_.reserve(allocated_.size() + 1);  // never lose a block to a failed push_back
    void* p = src.allocate(src.ctx, bytes);
    if (p != nullptr) allocated_.push_back({p, bytes, src});
    return p;
  }
  void free(void* p) {
    if (p != nullptr) freed_.push_back({p, 0, {}});
  }
  void free(void* p, size_t bytes, const BlockSource& src) {
    if (p != nullptr) freed_.push_back({p, bytes, src});
  }
  // The attempt committed: its frees take effect, its blocks stay.
  void on_commit(Stats& s) {
    for (const Block& b : freed_) give_back(b);
    s.tx_allocs += allocated_.size();
    for (const Block& b : allocated_) s.tx_alloc_bytes += b.bytes;
    clear();
  }
  // The attempt aborted: its blocks go back, its frees never happened.
  void on_abort(Stats& s) {
    for (const Block& b : allocated_) {
      give_back(b);
      s.tx_alloc_bytes_undone += b.bytes;
    }
    s.tx_allocs_undone += allocated_.size();
    clear();
  }
  void clear() {
    allocated_.clear();
    freed_.clear();
  }

 private:
  struct Block {
    void* p;
    size_t bytes;
    BlockSource src;  // a copy; no deallocate: malloc's
  };
  static void give_back(const Block& b) {
    if (b.src.deallocate == nullptr) std::free(b.p);
    else b.src.deallocate(b.src.ctx, b.p, b.bytes);
  }
  std::vector<Block> allocated_;
  std::vector<Block> freed_;
};

}  // namespace lbtm
