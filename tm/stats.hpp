// Per-thread transaction statistics, summed into the result record.
//
// Every runtime keeps one Stats per thread and fills what applies to it
// (a lock never aborts on validation; libitm hides its read set).  Their
// names, meanings and units are declared in schema/run.schema.json.
#pragma once
#include <algorithm>
#include <cstdint>

#include "schema/run_schema.hpp"  // generated: LBTM_STATS_COUNTERS

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

// The counters are the schema's TM statistics marked x-counter
// (schema/run.schema.json), generated into LBTM_STATS_COUNTERS: a new
// counter is a line in the schema and the runtime code that counts it; the
// fields, their sum over threads and the record's names follow from here.
struct Stats {
#define LBTM_STATS_FIELD(member, how, record_name, scale) uint64_t member = 0;
  LBTM_STATS_COUNTERS(LBTM_STATS_FIELD)
#undef LBTM_STATS_FIELD

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
  // Threads' statistics combine as the schema says: summed, or the largest.
  Stats& operator+=(const Stats& o) {
#define LBTM_STATS_COMBINE(member, how, record_name, scale) member = combine_##how(member, o.member);
    LBTM_STATS_COUNTERS(LBTM_STATS_COMBINE)
#undef LBTM_STATS_COMBINE
    return *this;
  }
  // f(name in the record, value in the record's unit) for every counter.
  template <class F>
  void for_each(F&& f) const {
#define LBTM_STATS_VISIT(member, how, record_name, scale) f(record_name, member, scale);
    LBTM_STATS_COUNTERS(LBTM_STATS_VISIT)
#undef LBTM_STATS_VISIT
  }

 private:
  static uint64_t combine_sum(uint64_t a, uint64_t b) { return a + b; }
  static uint64_t combine_max(uint64_t a, uint64_t b) { return std::max(a, b); }
};

}  // namespace lbtm
