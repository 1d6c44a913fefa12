// `itm`: GCC's libitm through __transaction_atomic.  Only for translation
// units compiled with -fgnu-tm (link lb_tm_itm, which adds it and defines
// LB_GNU_TM): the compiler instruments every access in the body, so
// tx.load/store are plain C++ accesses that GCC turns into libitm calls.
//
// What maps how (found by experiment on GCC 12's libitm, see tm/README.md):
//  - tx.restart(): libitm's outer abort (what `__transaction_cancel [[outer]]`
//    calls), issued from a transaction_pure function so that bodies need no
//    TM attributes; atomically() then runs the body again.  A C++ exception
//    cannot do it: an exception leaving a libitm transaction commits it, and
//    one thrown and caught inside crashed ml_wt and gl_wt.
//  - A cancel rolls back reliably only under libitm's instrumented methods
//    (ml_wt, gl_wt).  Under serial, serialirr and serialirr_onwrite whether
//    the stores of a cancelled attempt stay depends on how GCC compiled the
//    body (tests/tm/itm_test.cpp saw rollback at -O3 and none at -O2 -g, and
//    so did a standalone experiment).  So under those methods (and if a
//    construction-time probe fails) the runtime runs bodies as transactions
//    without an abort path (libitm runs them irrevocably, as asked) and
//    refuses tx.restart() with a clear error rather than corrupt memory:
//    std::runtime_error, which leaves the transaction (libitm commits what
//    it did: nothing can undo it), so the run fails and says why.
//    Labyrinth never restarts there: serialised transactions cannot collide.
//  - ITM_DEFAULT_METHOD unset: libitm would use serialirr while one thread
//    is registered (and ml_wt beyond).  So the runtime sets ml_wt, libitm's
//    own multi-thread default, before the first transaction: every run is
//    then retryable.  describe() records the method and where it came from.
//  - tx.release(): libitm has no early release, and set_private() has nothing
//    to hand the predicate to: the compiler instruments private accesses too,
//    unless the caller keeps them in a TM_PURE function.  capabilities() says
//    both (Support::kNo), so a caller refuses the options that need them up
//    front; likewise restart under the methods that cannot roll it back.
//  - tx.alloc/free: malloc/free, which libitm itself undoes on abort and
//    defers to commit; counted through TM_PURE counters.  With a caller's
//    BlockSource, an AllocLog kept by TM_PURE calls: a (re)execution first
//    gives back the blocks of the attempt before it (which aborted, and
//    whose undo log libitm has already replayed), and the frees happen
//    after the transaction committed.  So libitm's undo log (ml_wt, gl_wt
//    write in place) never writes into a block freed in the attempt.
//  - Statistics: commits, explicit restarts, libitm's internal re-executions
//    (attempts neither committed nor restarted, as aborts_other), and
//    commits that ran irrevocably (`irrevocable`, from _ITM_inTransaction).
//    libitm hides its read and write sets.
#pragma once
#if !defined(LB_GNU_TM)
#error "tm/itm.hpp needs -fgnu-tm: link the target with lb_tm_itm"
#endif
#include <cstdlib>
#include <cstring>
#include <string>

#include "tm/alloc_log.hpp"
#include "tm/tm.hpp"

namespace lbtm {

namespace itm_detail {
// Escapes: their effects survive a rollback.
TM_PURE inline void add(uint64_t* c, uint64_t n) { *c += n; }
TM_PURE inline void set(uint64_t* c, uint64_t v) { *c = v; }
TM_PURE int how_executing();  // _ITM_inTransaction(): 0 outside, 1 retryable, 2 irrevocable
[[noreturn]] TM_PURE void abort_outer();  // roll the outermost transaction back, run it again
[[noreturn]] TM_PURE void restart_unsupported(const char* method);  // throws std::runtime_error
TM_PURE bool never();  // false, but the compiler cannot know it
TM_PURE uint64_t read_barrier(const uint64_t* p);  // libitm's own read barrier (_ITM_RU8)
}  // namespace itm_detail

class ItmRuntime {
 public:
  static constexpr const char* kName = "itm";
  class Tx;
  class Thread;

  ItmRuntime(Options options, int max_threads);
  Options describe() const;
  Capabilities capabilities() const {
    return {Support::kNo, Support::kNo, cancel_ok_ ? Support::kYes : Support::kNo, true};
  }
  const std::string& method() const { return method_; }
  bool restart_rolls_back() const { return cancel_ok_; }

 private:
  std::string method_, method_source_;
  bool cancel_ok_ = false;
};

class ItmRuntime::Tx {
 public:
  template <class T>
  T load(const T* p) {
    static_assert(is_tm_word_v<T>);
    return *p;
  }
  template <class T>
  void store(T* p, T v) {
    static_assert(is_tm_word_v<T>);
    *p = v;
  }
  // A transactional read from code the compiler does not instrument (a
  // TM_PURE call inside the transaction): libitm's read barrier called by
  // hand, as STAMP's TM_SHARED_READ is written by hand.  The word joins the
  // transaction's read set like a compiler-instrumented read, and a
  // conflict re-executes the transaction from its start.  (Lee-TM's router
  // reads the shared grid so from its uninstrumented expansion.)
  template <class T>
  TM_PURE T load_from_pure(const T* p) {
    static_assert(is_tm_word_v<T>);
    uint64_t w = itm_detail::read_barrier(reinterpret_cast<const uint64_t*>(p));
    T v;
    std::memcpy(&v, &w, sizeof v);
    return v;
  }
  void release(const void*, size_t) {}  // nothing to release: libitm keeps its own sets
  [[noreturn]] void restart() {
    if (!cancel_ok_) itm_detail::restart_unsupported(method_);
    itm_detail::add(&explicit_, 1);
    itm_detail::abort_outer();
  }
  void* alloc(size_t bytes) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    itm_detail::add(&allocs_, 1);
    itm_detail::add(&allocs_attempt_, 1);
    itm_detail::add(&bytes_, bytes);
    itm_detail::add(&bytes_attempt_, bytes);
    return p;
  }
  void free(void* p) { std::free(p); }
  TM_PURE void* alloc(size_t bytes, const BlockSource& src) { return sourced_.alloc(bytes, src); }
  TM_PURE void free(void* p, size_t bytes, const BlockSource& src) { sourced_.free(p, bytes, src); }

 private:
  friend class Thread;
  Tx(bool cancel_ok, const char* method) : cancel_ok_(cancel_ok), method_(method) {}
  bool cancel_ok_;
  const char* method_;
  // Written only through the escapes above.
  uint64_t attempts_ = 0, explicit_ = 0, how_ = 0;
  uint64_t allocs_ = 0, allocs_attempt_ = 0;  // every attempt's, the last attempt's
  uint64_t bytes_ = 0, bytes_attempt_ = 0;    // what they asked for
  AllocLog sourced_;  // blocks from callers' BlockSources, kept by TM_PURE calls
};

class ItmRuntime::Thread {
 public:
  Thread(ItmRuntime& rt, int id);
  void set_private(PrivatePredicate) {}  // capabilities().private_predicate is kNo (file comment)

  template <class Body>
  void atomically(Body&& body) {
    detail::InTransaction in_tx;
    tx_.attempts_ = tx_.explicit_ = tx_.allocs_ = tx_.bytes_ = 0;
    if (tx_.cancel_ok_) {
      for (;;) {
        bool done = false;
        __transaction_atomic [[outer]] {
          attempt(body);
          if (itm_detail::never()) __transaction_cancel [[outer]];  // keeps libitm's abort path in this transaction
          done = true;
        }
        if (done) break;
      }
    } else {  // libitm cannot roll back here: a transaction without an abort path
      __transaction_atomic { attempt(body); }
    }
    finish();
  }
  const Stats& stats() const { return stats_; }

 private:
  template <class Body>
  void attempt(Body& body) {
    previous_attempt_aborted();
    itm_detail::add(&tx_.attempts_, 1);
    itm_detail::set(&tx_.allocs_attempt_, 0);
    itm_detail::set(&tx_.bytes_attempt_, 0);
    body(tx_);
    itm_detail::set(&tx_.how_, uint64_t(itm_detail::how_executing()));
  }
  // A (re)execution starts: whatever the log holds is an aborted attempt's,
  // rolled back by libitm already.
  TM_PURE void previous_attempt_aborted() { tx_.sourced_.on_abort(stats_); }
  void finish();
  Tx tx_;
  Stats stats_;
};

static_assert(Runtime<ItmRuntime>);

}  // namespace lbtm
