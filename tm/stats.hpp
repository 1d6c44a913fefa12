// Per-thread transaction statistics, summed into the result record.
//
// Every runtime keeps one Stats per thread and fills what applies to it
// (a lock never aborts on validation; libitm hides its read set).  The
// harness and the figures read these by the names of the fields, so a rename
// here is a change of the result schema.
#pragma once
#include <algorithm>
#include <cstdint>

namespace lbtm {

enum class AbortCause : uint8_t {
  kValidation,  // a location in the read set changed under us
  kLocked,      // a location we needed was locked by another committer
  kExplicit,    // the body asked for it (tx.restart())
  kOther,       // anything the runtime cannot attribute
  // Best-effort hardware TM (tm/htm_model.hpp), as RTM reports them:
  kCapacity,    // the read or write set no longer fits (a written line would be evicted)
  kConflict,    // another thread's access to one of our lines (the requester won)
  kLock,        // the fallback lock was taken (lock subscription)
};

struct Stats {
  uint64_t commits = 0;
  uint64_t aborts_validation = 0;
  uint64_t aborts_locked = 0;
  uint64_t aborts_explicit = 0;
  uint64_t aborts_other = 0;
  uint64_t aborts_capacity = 0;  // htm-model only, like the next three
  uint64_t aborts_conflict = 0;
  uint64_t aborts_lock = 0;
  uint64_t fallbacks = 0;        // acquisitions of the fallback lock
  // Read-set and write-set sizes (entries) of committed transactions: words
  // for stm, cache lines for htm-model (its speculative commits only).
  uint64_t read_set_total = 0;
  uint64_t read_set_max = 0;
  uint64_t write_set_total = 0;
  uint64_t write_set_max = 0;
  uint64_t released = 0;         // read-set entries dropped by early release
  uint64_t aborted_ns = 0;       // wall time spent in attempts that aborted
  uint64_t tx_allocs = 0;        // tx.alloc() calls in committed attempts
  uint64_t tx_allocs_undone = 0; // blocks given back because their attempt aborted
  uint64_t irrevocable = 0;      // commits that ran serial-irrevocable (libitm; 0 elsewhere)

  uint64_t aborts() const {
    return aborts_validation + aborts_locked + aborts_explicit + aborts_other + aborts_capacity + aborts_conflict +
           aborts_lock;
  }
  void count_abort(AbortCause c) {
    switch (c) {
      case AbortCause::kValidation: ++aborts_validation; break;
      case AbortCause::kLocked: ++aborts_locked; break;
      case AbortCause::kExplicit: ++aborts_explicit; break;
      case AbortCause::kOther: ++aborts_other; break;
      case AbortCause::kCapacity: ++aborts_capacity; break;
      case AbortCause::kConflict: ++aborts_conflict; break;
      case AbortCause::kLock: ++aborts_lock; break;
    }
  }
  void count_commit(uint64_t read_set, uint64_t write_set) {
    ++commits;
    read_set_total += read_set;
    read_set_max = std::max(read_set_max, read_set);
    write_set_total += write_set;
    write_set_max = std::max(write_set_max, write_set);
  }
  Stats& operator+=(const Stats& o) {
    commits += o.commits;
    aborts_validation += o.aborts_validation;
    aborts_locked += o.aborts_locked;
    aborts_explicit += o.aborts_explicit;
    aborts_other += o.aborts_other;
    aborts_capacity += o.aborts_capacity;
    aborts_conflict += o.aborts_conflict;
    aborts_lock += o.aborts_lock;
    fallbacks += o.fallbacks;
    read_set_total += o.read_set_total;
    read_set_max = std::max(read_set_max, o.read_set_max);
    write_set_total += o.write_set_total;
    write_set_max = std::max(write_set_max, o.write_set_max);
    released += o.released;
    aborted_ns += o.aborted_ns;
    tx_allocs += o.tx_allocs;
    tx_allocs_undone += o.tx_allocs_undone;
    irrevocable += o.irrevocable;
    return *this;
  }
};

}  // namespace lbtm
