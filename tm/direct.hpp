// Direct-update runtimes: the body writes memory in place under a lock, and an
// undo log lets tx.restart() roll the attempt back.  `seq` (no lock, one
// thread: the speedup baseline) and `lock` (one global mutex held for the
// whole transaction) are both this template; so can be any runtime whose
// isolation is a lock (TBB's speculative mutex, for instance).
#pragma once
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "tm/alloc_log.hpp"
#include "tm/tm.hpp"

namespace lbtm {

// A lock that is no lock: for `seq`, which runs one thread only.
struct NoLock {
  void lock() {}
  void unlock() {}
};

// Guard: what holds Lock for one attempt.  std::lock_guard for plain locks;
// a lock whose acquisitions carry per-thread state (TBB's speculative mutex
// remembers whether this acquisition is a hardware transaction) brings its own.
template <class Lock, class Guard = std::lock_guard<Lock>>
class DirectRuntime {
 public:
  class Tx;
  class Thread;

  DirectRuntime(const char* name, Options options, int max_threads, bool single_thread_only)
      : name_(name), options_(std::move(options)) {
    if (max_threads < 1) throw std::invalid_argument("need at least one thread");
    if (single_thread_only && max_threads > 1)
      throw std::invalid_argument(std::string("runtime '") + name +
                                  "' runs one thread only (no synchronisation); use -t 1 or another runtime");
    if (!options_.empty())
      throw std::invalid_argument(std::string("runtime '") + name + "' takes no options, got '" +
                                  options_.begin()->first + "'");
  }

  Options describe() const { return {{"name", name_}}; }
  // Nothing is validated, so there is nothing to release early; private
  // stores skip the undo log; a restart replays the undo log.
  Capabilities capabilities() const { return {Support::kNotNeeded, Support::kYes, Support::kYes, true}; }

  class Tx {
   public:
    template <class T>
    T load(const T* p) {
      static_assert(is_tm_word_v<T>);
      return *p;
    }
    template <class T>
    void store(T* p, T v) {
      static_assert(is_tm_word_v<T>);
      if (private_(p)) {  // private memory is never rolled back: no undo entry
        *p = v;
        return;
      }
      uintptr_t old, w;
      std::memcpy(&old, p, sizeof old);
      std::memcpy(&w, &v, sizeof w);
      undo_.push_back({p, old});
      // Atomic (relaxed, a plain store on x86): callers may read shared
      // memory outside any transaction, as Labyrinth's privatized copy does.
      __atomic_store_n(reinterpret_cast<Word*>(p), w, __ATOMIC_RELAXED);
    }
    void release(const void*, size_t) {}
    [[noreturn]] void restart() { throw Abort{AbortCause::kExplicit}; }
    void* alloc(size_t bytes) { return allocs_.alloc(bytes); }
    void* alloc(size_t bytes, const BlockSource& src) { return allocs_.alloc(bytes, src); }
    void free(void* p) { allocs_.free(p); }
    void free(void* p, size_t bytes, const BlockSource& src) { allocs_.free(p, bytes, src); }

   private:
    friend class Thread;
    using Word = uintptr_t __attribute__((may_alias));
    struct UndoEntry {
      void* addr;
      uintptr_t old;
    };
    void begin() {
      undo_.clear();
      allocs_.clear();
    }
    void roll_back(Stats& s) {
      for (auto it = undo_.rbegin(); it != undo_.rend(); ++it)
        __atomic_store_n(reinterpret_cast<Word*>(it->addr), it->old, __ATOMIC_RELAXED);
      allocs_.on_abort(s);
    }
    void commit(Stats& s) {
      s.count_commit(0, undo_.size());
      allocs_.on_commit(s);
    }
    PrivatePredicate private_;
    std::vector<UndoEntry> undo_;
    AllocLog allocs_;
  };

  class Thread {
   public:
    Thread(DirectRuntime& rt, int /*id*/) : rt_(rt) {}
    void set_private(PrivatePredicate pred) { tx_.private_ = pred; }

    template <class Body>
    void atomically(Body&& body) {
      detail::InTransaction in_tx;
      for (;;) {
        Guard guard(rt_.lock_);
        auto start = std::chrono::steady_clock::now();
        tx_.begin();
        try {
          body(tx_);
        } catch (const Abort& a) {
          tx_.roll_back(stats_);  // the undo log first, then the attempt's blocks go back
          stats_.count_abort(a.cause);
          stats_.aborted_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - start).count();
          continue;
        }
        tx_.commit(stats_);
        return;
      }
    }
    const Stats& stats() const { return stats_; }

   private:
    DirectRuntime& rt_;
    Tx tx_;
    Stats stats_;
  };

 private:
  std::string name_;
  Options options_;
  Lock lock_;
};

struct SeqRuntime : DirectRuntime<NoLock> {
  static constexpr const char* kName = "seq";
  SeqRuntime(Options o, int max_threads) : DirectRuntime(kName, std::move(o), max_threads, true) {}
};

struct LockRuntime : DirectRuntime<std::mutex> {
  static constexpr const char* kName = "lock";
  LockRuntime(Options o, int max_threads) : DirectRuntime(kName, std::move(o), max_threads, false) {}
};

static_assert(Runtime<SeqRuntime>);
static_assert(Runtime<LockRuntime>);

}  // namespace lbtm
