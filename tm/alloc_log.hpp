// Transaction-safe allocation, shared by every runtime that runs a body it
// may have to undo: blocks allocated in an attempt are given back if the
// attempt aborts; blocks freed in an attempt are freed only when it commits.
// (STAMP's router leaks its path vector on every abort; this is the fix.)
#pragma once
#include <cstdlib>
#include <new>
#include <vector>

#include "tm/stats.hpp"

namespace lbtm {

class AllocLog {
 public:
  void* alloc(size_t bytes) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
    allocated_.push_back(p);
    return p;
  }
  void free(void* p) {
    if (p != nullptr) freed_.push_back(p);
  }
  // The attempt committed: its frees take effect, its blocks stay.
  void on_commit(Stats& s) {
    for (void* p : freed_) std::free(p);
    s.tx_allocs += allocated_.size();
    clear();
  }
  // The attempt aborted: its blocks go back, its frees never happened.
  void on_abort(Stats& s) {
    for (void* p : allocated_) std::free(p);
    s.tx_allocs_undone += allocated_.size();
    clear();
  }
  void clear() {
    allocated_.clear();
    freed_.clear();
  }

 private:
  std::vector<void*> allocated_;
  std::vector<void*> freed_;
};

}  // namespace lbtm
