// `stm`: our word-based STM, in the style of TL2 (Dice, Shalev, Shavit 2006).
//
//  - A global version clock and a table of versioned locks; a word's lock is
//    found by its address stripe (2^stripe_log2 bytes per stripe, 2^locks_log2
//    locks).  A lock word is the version when free, and `kLocked | pointer to
//    the owner's record` while a committer holds it (so the owner can see its
//    own locks and the version they had).  The lock bit is the top bit, so a
//    held lock compares above every version and "free and no newer than the
//    snapshot" is one unsigned compare on the load path.
//  - Writes are buffered in the write set; locks are taken only at commit.
//  - Every load is checked against the snapshot time rv: a word whose version
//    is newer makes the transaction try to extend rv (revalidate the read set
//    at the current clock) or abort.  So no attempt ever sees an inconsistent
//    state, even one that later aborts (opacity).
//  - Commit: lock the write set, take a write version from the clock,
//    validate the read set (skipped when nobody committed since rv), write
//    back, release the locks with the new version.
//  - Early release drops words from the read set: they are not validated any
//    more.  A read released at once (load_released) is checked like any
//    load but never logged.  Words the caller's private predicate accepts
//    are read and written in place and appear in neither set.
//  - After an abort, a bounded randomised exponential backoff; past a few
//    retries it also yields the CPU (oversubscribed runs preempt lock holders).
//  - Abort attribution: each abort on a lock remembers the word that led to
//    the lock.  If the caller named its own memory (set_own_memory: memory no
//    other thread writes) and that word is in it, the conflict was false:
//    another thread's word shares the lock (the table wraps every
//    2^(locks_log2 + stripe_log2) bytes), so Stats::false_aborts_private.  It
//    costs one predicate call per abort and nothing on the load path.
//
// All accesses to shared words use __atomic builtins (acquire loads, release
// write-back) so that the C++ memory model holds and ThreadSanitizer sees no
// race; private words are plain accesses.
//
// Options (--tm-opt key=value): locks_log2 (default 20), stripe_log2 (default
// 3, one word), backoff_log2 (default 12: the largest backoff is 2^12 pauses).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "tm/alloc_log.hpp"
#include "tm/stm_sets.hpp"
#include "tm/tm.hpp"

namespace lbtm {

class StmRuntime {
 public:
  static constexpr const char* kName = "stm";
  class Tx;
  class Thread;

  StmRuntime(Options options, int max_threads);
  Options describe() const;
  Capabilities capabilities() const { return {Support::kYes, Support::kYes, Support::kYes, true}; }

 private:
  using Lock = std::atomic<uint64_t>;
  static constexpr uint64_t kLocked = uint64_t(1) << 63;  // versions stay far below it
  Lock& lock_for(uintptr_t addr) const { return locks_[(addr >> stripe_log2_) & lock_mask_]; }

  alignas(64) std::atomic<uint64_t> clock_{0};
  alignas(64) std::unique_ptr<Lock[]> locks_;
  uint64_t lock_mask_ = 0;
  unsigned locks_log2_ = 20, stripe_log2_ = 3, backoff_log2_ = 12;
  int max_threads_ = 1;
};

class StmRuntime::Tx {
 public:
  template <class T>
  T load(const T* p) {
    return load_as<true>(p);
  }
  // load(p) and release(p, sizeof(T)) in one access (lbtm::load_released,
  // tm.hpp): the same checks against the snapshot, the same extension or
  // abort, so the value is consistent with every read still logged; but
  // the read is not appended to the log, so nothing validates it again.
  // Counted in `released` as the one entry that load and release would
  // have logged and dropped (none for a private word or one read from the
  // write set, which are never logged).  TinySTM's unit load
  // (stm_unit_load) reads a word the same way outside any transaction,
  // where there is no snapshot to check it against.
  template <class T>
  T load_released(const T* p) {
    return load_as<false>(p);
  }
  template <class T>
  void store(T* p, T v) {
    static_assert(is_tm_word_v<T>);
    if (private_(p)) {
      *p = v;
      return;
    }
    uintptr_t w;
    std::memcpy(&w, &v, sizeof w);
    check_aligned(reinterpret_cast<uintptr_t>(p));
    writes_.put(reinterpret_cast<uintptr_t>(p), w);
  }
  void release(const void* p, size_t bytes) {
    uintptr_t lo = reinterpret_cast<uintptr_t>(p);
    released_ += reads_.erase_range(lo, lo + bytes);
  }
  [[noreturn]] void restart() { throw Abort{AbortCause::kExplicit}; }
  void* alloc(size_t bytes) { return allocs_.alloc(bytes); }
  void* alloc(size_t bytes, const BlockSource& src) { return allocs_.alloc(bytes, src); }
  void free(void* p) { allocs_.free(p); }
  void free(void* p, size_t bytes, const BlockSource& src) { allocs_.free(p, bytes, src); }

 private:
  friend class Thread;
  // The word as the machine sees it, allowed to alias any 8-byte type.
  using Word = uintptr_t __attribute__((may_alias));
  // A lock this transaction holds during commit, and the version it had.
  struct Owned {
    Lock* lock;
    uint64_t old;
  };

  explicit Tx(StmRuntime& rt)
      : rt_(rt), locks_(rt.locks_.get()), lock_mask_(rt.lock_mask_), stripe_log2_(rt.stripe_log2_) {}
  static void check_aligned(uintptr_t a) {
    if (a % sizeof(uintptr_t) != 0) throw std::invalid_argument("stm: transactional word not 8-byte aligned");
  }

  // A load, logged (kLog) or released at once.  Always inlined, as the
  // body of load() was before load_released() shared it.
  template <bool kLog, class T>
  __attribute__((always_inline)) T load_as(const T* p) {
    static_assert(is_tm_word_v<T>);
    if (private_(p)) return *p;
    // A T aligned to 8 by its type is a whole word (anything else is UB
    // already); only a less aligned T is checked on every load.
    if constexpr (alignof(T) < sizeof(uintptr_t)) check_aligned(reinterpret_cast<uintptr_t>(p));
    uintptr_t w = load_word<kLog>(reinterpret_cast<uintptr_t>(p));
    T v;
    std::memcpy(&v, &w, sizeof v);
    return v;
  }

  // The fast path, inlined into every load (tm/README.md counts its
  // instructions): the write set's Bloom filter, the lock, the word, the lock
  // again, one compare of each, one log append (kLog; else a count of the
  // read released at once).
  template <bool kLog>
  uintptr_t load_word(uintptr_t a) {
    if (__builtin_expect(writes_.may_contain(a), 0))
      if (const auto* e = writes_.find(a)) return e->value;
    const Lock& lock = lock_for(a);
    uint64_t v1 = lock.load(std::memory_order_acquire);
    // The acquire load keeps the second look at the lock after it.
    uintptr_t value = __atomic_load_n(reinterpret_cast<const Word*>(a), __ATOMIC_ACQUIRE);
    uint64_t v2 = lock.load(std::memory_order_relaxed);
    // v1 > rv_: held (kLocked) or newer than the snapshot.
    if (__builtin_expect(v1 > rv_, 0) || __builtin_expect(v1 != v2, 0)) return load_contended(a, kLog);
    note_read(a, kLog);
    return value;
  }
  // A consistent read: logged, or released at once (counted as released).
  void note_read(uintptr_t a, bool log) {
    if (log) reads_.push(a);
    else ++released_;
  }
  // Locked, changed while we read it, or newer than the snapshot.
  __attribute__((noinline)) uintptr_t load_contended(uintptr_t a, bool log) {
    const Lock& lock = lock_for(a);
    for (;;) {
      uint64_t v1 = lock.load(std::memory_order_acquire);
      if (v1 & kLocked) abort_at(a, AbortCause::kLocked);  // we hold no lock before commit
      uintptr_t value = __atomic_load_n(reinterpret_cast<const Word*>(a), __ATOMIC_ACQUIRE);
      uint64_t v2 = lock.load(std::memory_order_relaxed);
      if (v1 != v2) {
        if (v2 & kLocked) abort_at(a, AbortCause::kLocked);
        continue;  // a commit slipped in between: read again
      }
      if (v1 > rv_) {
        if (!extend()) throw Abort{AbortCause::kValidation};  // extend() noted the word
        continue;
      }
      note_read(a, log);
      return value;
    }
  }
  // The runtime's lock table, copied here so the load path reads no pointer.
  const Lock& lock_for(uintptr_t a) const { return locks_[(a >> stripe_log2_) & lock_mask_]; }

  // Is this lock word one of ours (held during our commit)?
  const Owned* mine(uint64_t v) const {
    auto* o = reinterpret_cast<const Owned*>(v & ~kLocked);
    return (o >= owned_.data() && o < owned_.data() + owned_.size()) ? o : nullptr;
  }
  // Every word read still has the version it had when read (<= rv).  On
  // failure, the first word found changed is noted for attribution.
  bool validate() const {
    ++validations_;
    return reads_.all_of([&](uintptr_t a) {
      uint64_t v = lock_for(a).load(std::memory_order_acquire);
      if (v & kLocked) {
        const Owned* o = mine(v);
        if (o == nullptr) return (abort_addr_ = a, false);
        v = o->old;
      }
      return v <= rv_ || (abort_addr_ = a, false);
    });
  }
  // The word whose lock ends this attempt (see "Abort attribution").
  [[noreturn]] void abort_at(uintptr_t a, AbortCause cause) {
    abort_addr_ = a;
    throw Abort{cause};
  }
  // Was this attempt's abort false: on a lock reached through our own word?
  bool abort_was_on_own_word() const {
    return abort_addr_ != 0 && own_(reinterpret_cast<const void*>(abort_addr_));
  }
  // Move the snapshot forward to now, if what we read is still current.
  bool extend() {
    uint64_t now = rt_.clock_.load(std::memory_order_acquire);
    if (!validate()) return false;
    set_rv(now);
    return true;
  }

  void begin() {
    reads_.clear();
    writes_.clear();
    allocs_.clear();
    released_ = 0;
    abort_addr_ = 0;
    set_rv(rt_.clock_.load(std::memory_order_acquire));
  }
  void set_rv(uint64_t rv) { rv_ = rv; }
  void unlock_owned() {
    for (const Owned& o : owned_) o.lock->store(o.old, std::memory_order_release);
    owned_.clear();
  }
  // Returns kOther-free cause on failure via `cause`; true when committed.
  bool commit(Stats& s, AbortCause& cause);
  void roll_back(Stats& s) { allocs_.on_abort(s); }
  uint64_t take_validations() { return std::exchange(validations_, 0); }

  StmRuntime& rt_;
  PrivatePredicate private_;
  PrivatePredicate own_;  // set_own_memory(): for abort attribution only
  const Lock* locks_;
  uint64_t lock_mask_;
  unsigned stripe_log2_;
  uint64_t rv_ = 0;
  stm_detail::ReadLog reads_;
  stm_detail::WriteSet writes_;
  std::vector<Owned> owned_;
  AllocLog allocs_;
  uint64_t released_ = 0;
  mutable uint64_t validations_ = 0;  // validate() calls of this attempt (Stats::validations)
  mutable uintptr_t abort_addr_ = 0;  // the word whose lock ended this attempt, 0 if none
};

class StmRuntime::Thread {
 public:
  Thread(StmRuntime& rt, int id);
  void set_private(PrivatePredicate p) { tx_.private_ = p; }
  // Memory only this thread writes, logged like any other: for attributing
  // aborts on its words to lock-table aliasing (file comment).
  void set_own_memory(PrivatePredicate p) { tx_.own_ = p; }

  template <class Body>
  void atomically(Body&& body) {
    detail::InTransaction in_tx;
    for (unsigned attempt = 0;; ++attempt) {
      auto start = std::chrono::steady_clock::now();
      tx_.begin();
      AbortCause cause;
      try {
        body(tx_);
        bool committed = tx_.commit(stats_, cause);
        stats_.validations += tx_.take_validations();
        if (committed) return;
      } catch (const Abort& a) {
        cause = a.cause;
      } catch (...) {  // not ours: give back the attempt's memory, let it through
        stats_.validations += tx_.take_validations();
        tx_.roll_back(stats_);
        throw;
      }
      stats_.validations += tx_.take_validations();
      // Before the roll-back: blocks the attempt allocated are still its own.
      if (tx_.abort_was_on_own_word()) ++stats_.false_aborts_private;
      tx_.roll_back(stats_);
      stats_.count_abort(cause);
      stats_.aborted_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now() - start).count());
      backoff(attempt);
    }
  }
  const Stats& stats() const { return stats_; }

 private:
  void backoff(unsigned attempt);
  Tx tx_;
  Stats stats_;
  uint64_t rng_;
};

static_assert(Runtime<StmRuntime>);

}  // namespace lbtm
