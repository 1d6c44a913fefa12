// `htm-model`: best-effort hardware TM (Intel RTM-like) modelled in software,
// for machines without it.  A model: it reproduces what decides whether a
// hardware transaction fits and whom it conflicts with, not its timing
// (tm/README.md, "htm-model", lists what it leaves out).
//
//  - Tracking at cache-line granularity, of every access: hardware has no
//    notion of private memory, so the caller's predicate is ignored and the
//    router sends even its "direct" private accesses through tx
//    (kTracksEveryAccess).
//  - Write set: a model of the L1 data cache, sets x ways x line (default:
//    this machine's L1d from sysfs).  A transactional write to a new line in
//    a set that already holds `ways` written lines would evict one: the
//    transaction aborts with cause capacity.  Reads do not occupy the model.
//  - Read set: a bound in lines (read_lines), capacity abort beyond it.
//  - Conflicts: eager, line granularity, requester wins (Intel): an access
//    that conflicts with another transaction's line dooms that transaction;
//    the victim notices at its next access or at commit.  A transaction
//    already committing cannot be doomed: the requester waits for it (a
//    hardware commit is instant).  Writes are buffered until commit.
//  - Fallback: after `retries` aborts (at once after a capacity abort unless
//    capacity=retry) the transaction takes a global lock and runs in place
//    with an undo log.  Speculative transactions subscribe to the lock at
//    begin: taking it aborts them (cause lock) and none begins while it is
//    held.  subscribe=no leaves that out, reproducing the bug of some public
//    HTM ports of STAMP (for the test that shows it matters).
//  - Early release drops lines from the read set.
//
// The ownership of lines is a table of 2^table_log2 words indexed by a hash
// of the line (8 bytes each): reader bits (one per thread), the writer and an
// entry lock.  Distinct lines that share an entry conflict falsely (hardware
// has no such aliasing); the default table (2^22 entries) makes that rare.
//
// Memory model: transactional words are read with acquire loads and written
// back with release stores (and in place, under the fallback lock), so the
// model is race-free for ThreadSanitizer.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "tm/alloc_log.hpp"
#include "tm/htm_model_sets.hpp"
#include "tm/l1_geometry.hpp"
#include "tm/stm_sets.hpp"
#include "tm/tm.hpp"

namespace lbtm {

class HtmModelRuntime {
 public:
  static constexpr const char* kName = "htm-model";
  // Hardware sees every access: a caller must not leave any out (tm.hpp).
  static constexpr bool kTracksEveryAccess = true;
  static constexpr int kMaxThreads = 56;  // one reader bit each in a table entry
  class Tx;
  class Thread;

  HtmModelRuntime(Options options, int max_threads);
  Options describe() const;
  // Early release drops lines; restart and tx.alloc as everywhere.  The private
  // predicate is kNotNeeded by design, not kNo: the model's point is that
  // hardware sees every access (kTracksEveryAccess), so the router sends all of
  // them through tx whatever --private-filter says, and describe() is a model's.
  Capabilities capabilities() const { return {Support::kYes, Support::kNotNeeded, Support::kYes, true}; }
  const L1Geometry& l1() const { return l1_; }

 private:
  // A thread's state word: (epoch << 3) | state.  The epoch changes with
  // every attempt, so a doom aimed at an attempt that ended misses.
  enum : uint64_t { kIdle = 0, kActive = 1, kCommitting = 2, kDoomedConflict = 3, kDoomedLock = 4, kStateMask = 7 };
  struct alignas(64) Slot {
    std::atomic<uint64_t> status{0};
  };
  // Table entry: bit 63 entry lock, bits 56..62 writer id + 1, bits 0..55 readers.
  static constexpr uint64_t kEntryLock = uint64_t(1) << 63;
  static constexpr uint64_t kReaders = (uint64_t(1) << 56) - 1;
  static constexpr unsigned kWriterShift = 56;
  using Entry = std::atomic<uint64_t>;

  Entry& entry_for(uint64_t line) const {
    return table_[size_t((line * 0x9E3779B97F4A7C15ull) >> (64 - table_log2_))];
  }
  uint64_t lock_entry(Entry& e) const;
  // Registers `id` as reader or writer of `line`, dooming the transactions
  // it conflicts with (waiting for any that is committing).
  void acquire_line(int id, uint64_t line, bool write) const;
  // Removes `id`'s bits from the line's entry (its attempt is over).
  void drop_line(int id, uint64_t line, bool keep_writer = false) const;
  // Dooms the attempt whose state word was `s` if it is still active.
  // Returns false if it is committing (the caller must wait for it).
  bool doom(int victim, uint64_t cause_state) const;
  void wait_while(int id, uint64_t status) const;
  // The fallback lock, taken: every subscribed speculative attempt is doomed.
  void take_fallback(int id);
  void release_fallback() { fallback_.store(-1, std::memory_order_release); }
  bool fallback_held() const { return fallback_.load(std::memory_order_seq_cst) >= 0; }

  L1Geometry l1_;
  unsigned line_log2_ = 6;
  unsigned read_lines_ = 0;
  unsigned retries_ = 0;
  bool capacity_retries_ = false;  // capacity=retry: a capacity abort is retried like the others
  bool subscribe_ = true;
  unsigned table_log2_ = 22;
  unsigned backoff_log2_ = 10;
  int max_threads_ = 1;
  std::unique_ptr<Entry[]> table_;
  std::unique_ptr<Slot[]> slots_;
  alignas(64) std::atomic<int> fallback_{-1};  // holder's thread id, -1 when free
};

class HtmModelRuntime::Tx {
 public:
  // The fallback path (plain accesses under the lock) is inlined; the
  // speculative one is a call.  A modelled access costs far more than a
  // hardware one either way, but the fallback path is the one STAMP's shapes
  // spend their time in, and there hardware runs plain code.
  template <class T>
  __attribute__((always_inline)) T load(const T* p) {
    static_assert(is_tm_word_v<T>);
    uintptr_t a = reinterpret_cast<uintptr_t>(p);
    uintptr_t w = in_fallback_ ? __atomic_load_n(reinterpret_cast<const Word*>(a), __ATOMIC_ACQUIRE)
                               : load_speculative(a);
    T v;
    std::memcpy(&v, &w, sizeof v);
    return v;
  }
  template <class T>
  __attribute__((always_inline)) void store(T* p, T v) {
    static_assert(is_tm_word_v<T>);
    uintptr_t a = reinterpret_cast<uintptr_t>(p), w;
    std::memcpy(&w, &v, sizeof w);
    if (in_fallback_) {
      undo_.push_back({a, __atomic_load_n(reinterpret_cast<const Word*>(a), __ATOMIC_RELAXED)});
      __atomic_store_n(reinterpret_cast<Word*>(a), w, __ATOMIC_RELEASE);
      return;
    }
    store_speculative(a, w);
  }
  // Drops the lines overlapping [p, p + bytes) from the read set (a line
  // also written stays tracked: hardware cannot release it).
  void release(const void* p, size_t bytes);
  [[noreturn]] void restart() { throw Abort{AbortCause::kExplicit}; }
  void* alloc(size_t bytes) { return allocs_.alloc(bytes); }
  void* alloc(size_t bytes, const BlockSource& src) { return allocs_.alloc(bytes, src); }
  void free(void* p) { allocs_.free(p); }
  void free(void* p, size_t bytes, const BlockSource& src) { allocs_.free(p, bytes, src); }
  // Whether this attempt runs speculatively (false under the fallback lock).
  bool speculative() const { return !in_fallback_; }

 private:
  friend class Thread;
  using Word = uintptr_t __attribute__((may_alias));
  struct UndoEntry {
    uintptr_t addr, old;
  };
  Tx(HtmModelRuntime& rt, int id) : rt_(rt), id_(id), set_fill_(rt.l1_.sets, 0) {}

  uint64_t status() const { return rt_.slots_[id_].status.load(std::memory_order_acquire); }
  void check_alive() const {
    uint64_t s = status();
    if ((s & kStateMask) != kActive) throw Abort{cause_of(s)};
  }
  static AbortCause cause_of(uint64_t s) {
    return (s & kStateMask) == kDoomedLock ? AbortCause::kLock : AbortCause::kConflict;
  }

  __attribute__((noinline)) uintptr_t load_speculative(uintptr_t a) {
    if (const auto* e = writes_.find(a)) return e->value;
    track_read(a >> rt_.line_log2_);
    uintptr_t w = __atomic_load_n(reinterpret_cast<const Word*>(a), __ATOMIC_ACQUIRE);
    check_alive();  // a value written by whoever doomed us is never used
    return w;
  }
  __attribute__((noinline)) void store_speculative(uintptr_t a, uintptr_t w) {
    track_write(a >> rt_.line_log2_);
    writes_.put(a, w);
  }
  void track_read(uint64_t line) {
    if (line == last_read_) return;
    if (!written_.contains(line) && !read_.contains(line)) {
      if (read_.size() >= rt_.read_lines_) throw Abort{AbortCause::kCapacity};
      rt_.acquire_line(id_, line, false);
      read_.insert(line);
    }
    last_read_ = line;
  }
  void track_write(uint64_t line) {
    if (line == last_written_) return;
    if (!written_.contains(line)) {
      uint32_t& fill = set_fill_[size_t(line % rt_.l1_.sets)];
      if (fill == rt_.l1_.ways) throw Abort{AbortCause::kCapacity};  // one written line would be evicted
      rt_.acquire_line(id_, line, true);
      ++fill;
      written_.insert(line);
      check_alive();
    }
    last_written_ = line;
  }

  // Speculative attempt: begin (false: the fallback lock was taken at once),
  // commit (false: doomed; the cause is the state), end (give up the lines).
  bool begin();
  bool commit(Stats& s, AbortCause& cause);
  void end_attempt();
  // Under the fallback lock.
  void begin_fallback();
  void roll_back_fallback();

  HtmModelRuntime& rt_;
  const int id_;
  uint64_t epoch_ = 0;
  bool in_fallback_ = false;
  htm_detail::LineSet read_, written_;
  std::vector<uint32_t> set_fill_;  // written lines per L1 set
  uint64_t last_read_ = ~uint64_t(0), last_written_ = ~uint64_t(0);
  stm_detail::WriteSet writes_;  // buffered words (the STM's write set)
  std::vector<UndoEntry> undo_;  // under the fallback lock
  AllocLog allocs_;
  uint64_t released_ = 0;
};

class HtmModelRuntime::Thread {
 public:
  Thread(HtmModelRuntime& rt, int id);
  ~Thread();
  // Hardware cannot leave memory out of conflict detection: ignored.
  void set_private(PrivatePredicate) {}

  template <class Body>
  void atomically(Body&& body) {
    detail::InTransaction in_tx;
    bool to_lock = false;
    for (unsigned attempt = 0;; ++attempt) {
      if (to_lock || attempt >= tx_.rt_.retries_) {
        run_locked(body);
        return;
      }
      auto start = std::chrono::steady_clock::now();
      AbortCause cause = AbortCause::kLock;
      if (tx_.begin()) {
        try {
          body(tx_);
          if (tx_.commit(stats_, cause)) return;
        } catch (const Abort& a) {
          cause = a.cause;
        } catch (...) {  // not ours: give the attempt's lines and memory back, let it through
          tx_.end_attempt();
          tx_.allocs_.on_abort(stats_);
          throw;
        }
        tx_.end_attempt();
      }
      tx_.allocs_.on_abort(stats_);
      stats_.count_abort(cause);
      stats_.aborted_ns += uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now() - start).count());
      if (cause == AbortCause::kCapacity && !tx_.rt_.capacity_retries_) to_lock = true;
      else backoff(attempt);
    }
  }
  const Stats& stats() const { return stats_; }

 private:
  template <class Body>
  void run_locked(Body& body) {
    for (;;) {
      tx_.rt_.take_fallback(tx_.id_);
      ++stats_.fallbacks;
      tx_.begin_fallback();
      try {
        body(tx_);
      } catch (const Abort& a) {  // only tx.restart() aborts under the lock
        tx_.roll_back_fallback();
        tx_.allocs_.on_abort(stats_);
        tx_.rt_.release_fallback();
        stats_.count_abort(a.cause);
        continue;
      } catch (...) {
        tx_.roll_back_fallback();
        tx_.allocs_.on_abort(stats_);
        tx_.rt_.release_fallback();
        throw;
      }
      tx_.in_fallback_ = false;
      tx_.rt_.release_fallback();
      ++stats_.commits;  // set sizes are counted for speculative commits only
      tx_.allocs_.on_commit(stats_);
      return;
    }
  }
  void backoff(unsigned attempt);

  Tx tx_;
  Stats stats_;
  uint64_t rng_;
};

// Is R a runtime that sees every access (tm.hpp: kTracksEveryAccess)?
static_assert(tracks_every_access_v<HtmModelRuntime>);
static_assert(Runtime<HtmModelRuntime>);

}  // namespace lbtm
