// The TM interface: what every runtime offers and what callers may rely on.
//
// tm/ knows nothing of Labyrinth or of allocators (../shared/DESIGN.md).  A
// runtime is a class R, used through templates so that the hot loops of a
// caller compile to direct calls:
//
//   R rt(options, max_threads);          // one per process
//   typename R::Thread th(rt, id);       // one per worker thread, id < max_threads
//   th.set_private(pred);                // optional: memory the STM may skip
//   th.atomically([&](typename R::Tx& tx) { ... });   // runs until it commits
//   th.stats();                          // this thread's lbtm::Stats
//   rt.describe();                       // name and configuration, for the record
//   rt.capabilities();                   // what it can honour (Capabilities below)
//
// The concept lbtm::Runtime (end of this file) states this interface as code;
// every runtime's header checks itself against it.
//
// Inside the body, tx offers:
//   T    tx.load(const T* p)             // T is one machine word (8 bytes)
//   void tx.store(T* p, T v)
//   void tx.release(const void* p, size_t bytes)   // early release: drop from the read set
//   T    lbtm::load_released(tx, p)      // a read released at once (below)
//   [[noreturn]] void tx.restart()       // abort this attempt and run the body again
//   void* tx.alloc(size_t bytes)         // from malloc; given back if the attempt aborts
//   void  tx.free(void* p)               // to free(); takes effect only when the attempt commits
//   void* tx.alloc(size_t bytes, const BlockSource& src)      // the same, from a caller's allocator
//                                        // (nullptr when the source cannot serve it now)
//   void  tx.free(void* p, size_t bytes, const BlockSource& src)
//
// Transaction-safe free is the only safe way to free memory inside a body:
// until the attempt commits, its write set (stm) or undo log (lock, seq,
// tbb, itm) may still hold entries for the block, and a commit's write-back
// or an abort's roll-back would write them into freed memory.  Every runtime
// frees a tx.free'd block after its commit has written everything back, and
// never when the attempt aborts; blocks tx.alloc'd in an aborted attempt go
// back after its roll-back.  lbtm::in_transaction() says whether the calling
// thread is inside atomically(), so an allocator can refuse a plain free
// there (labyrinth/private_memory.hpp does).
//
// The body may run several times; it must not have effects outside the TM
// other than through tx (locals it recomputes are fine).  An attempt ends
// by unwinding with lbtm::Abort, which only atomically() catches: a body must
// let it pass (no catch (...) around tx calls).
//
// Private memory: a caller may say "this memory is mine alone, leave it out
// of conflict detection" with a PrivatePredicate.  Every runtime then reads
// and writes such addresses in place and logs them nowhere: the STM never
// validates them, and no runtime rolls them back when an attempt aborts (the
// caller re-initialises its private memory at the start of each attempt, as
// Labyrinth's router does with its grid copy).
//
// Own memory, for attribution only: a runtime with a lock table may offer
// th.set_own_memory(pred), memory only this thread writes but which it still
// logs and validates (the caller did not ask to leave it out).  An abort on
// a lock reached through such a word cannot be a true conflict, so the
// runtime counts it as a false one (Stats::false_aborts_private).
// lbtm::set_own_memory(th, pred) calls it where the runtime has it.
#pragma once
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>

#include "tm/stats.hpp"

// TM_PURE marks a function that a transaction may call without instrumenting
// it (its effects escape the transaction and are never rolled back).  Only
// GCC's -fgnu-tm needs the attribute; translation units compiled for libitm
// define LB_GNU_TM (see tm/CMakeLists.txt).
#if defined(LB_GNU_TM)
#define TM_PURE __attribute__((transaction_pure))
#else
#define TM_PURE
#endif

namespace lbtm {

// What a runtime is configured with (--tm-opt key=value) and what it reports.
using Options = std::map<std::string, std::string>;

// Unwinds an attempt.  Thrown by tx.restart() and by conflict detection.
struct Abort {
  AbortCause cause;
};

// A caller-supplied test for thread-private memory.  A plain function
// pointer and a context, not std::function: the STM asks it on every access.
struct PrivatePredicate {
  bool (*fn)(const void* addr, const void* ctx) = nullptr;
  const void* ctx = nullptr;
  explicit operator bool() const { return fn != nullptr; }
  bool operator()(const void* addr) const { return fn != nullptr && fn(addr, ctx); }
};

// A caller's allocator, for transaction-safe allocation from it (tx.alloc
// and tx.free with a source).  allocate throws std::bad_alloc when it cannot;
// a source whose requests must not block (an atomic page reserve) may instead
// return nullptr when it cannot serve one now: tx.alloc hands that nullptr
// to the caller and logs nothing, and the caller decides (commit nothing,
// refill outside the transaction, try again).  deallocate must not throw (it
// runs inside a commit): a source that finds a bad free records it and
// reports it later itself.
struct BlockSource {
  void* (*allocate)(void* ctx, size_t bytes) = nullptr;
  void (*deallocate)(void* ctx, void* p, size_t bytes) noexcept = nullptr;
  void* ctx = nullptr;
};

namespace detail {
inline thread_local int tx_depth = 0;
// Held by every runtime's atomically() around the attempts (RAII: an
// exception out of the body leaves the count right).
struct InTransaction {
  InTransaction() { ++tx_depth; }
  ~InTransaction() { --tx_depth; }
  InTransaction(const InTransaction&) = delete;
  InTransaction& operator=(const InTransaction&) = delete;
};
}  // namespace detail

// Is the calling thread inside atomically() (in a body, or committing)?
inline bool in_transaction() { return detail::tx_depth > 0; }

// A runtime that models hardware TM sees every memory access of a
// transaction, private or not; it says so with
// `static constexpr bool kTracksEveryAccess = true`, and a caller then sends
// through tx even the accesses it would otherwise make plainly (Labyrinth's
// raw grid copy, its direct private accesses).
template <class R>
inline constexpr bool tracks_every_access_v = requires { requires R::kTracksEveryAccess; };

// th.set_own_memory(pred) where the runtime offers it (see "Own memory").
template <class Thread>
void set_own_memory(Thread& th, PrivatePredicate pred) {
  if constexpr (requires { th.set_own_memory(pred); }) th.set_own_memory(pred);
}

// Transactional accesses are word-sized: the STM versions memory in words.
template <class T>
inline constexpr bool is_tm_word_v =
    std::is_trivially_copyable_v<T> && sizeof(T) == sizeof(uintptr_t);

// A read released at once: tx.load(p) followed by tx.release(p, sizeof(T)),
// for a caller that reads a word only to copy it and needs no later
// validation of it (Labyrinth's released grid copy).  The value is checked
// against the transaction's snapshot as any load's is, so it is consistent
// with every read the transaction still holds (opacity); only this read is
// never validated again.  A runtime that can do both in one step offers
// tx.load_released(p): the stm then checks the word without logging it, as
// a logged read that is dropped at once would have been (tm/README.md).  At
// least this read is released; an earlier tx.load of the same word may stay
// in the read set (the stm keeps it; without tx.load_released, tx.release
// drops it too), so release that with tx.release if it must go.  Every
// other runtime takes the two calls: for seq, lock, tbb and itm the release
// is a no-op, htm-model drops the word's line.
template <class Tx, class T>
__attribute__((always_inline)) inline T load_released(Tx& tx, const T* p) {
  static_assert(is_tm_word_v<T>);
  if constexpr (requires { tx.load_released(p); }) {
    return tx.load_released(p);
  } else {
    T v = tx.load(p);
    tx.release(p, sizeof(T));
    return v;
  }
}

// Whether a runtime honours one part of the interface.  kNotNeeded: the call
// is accepted and has nothing to do (a lock keeps no read set to release
// from); kNo: the runtime cannot do what the call asks, so a caller that
// relies on it must refuse up front instead of running on without it.
enum class Support : uint8_t { kYes, kNotNeeded, kNo };

struct Capabilities {
  Support early_release;      // tx.release() drops words from conflict detection
  Support private_predicate;  // th.set_private() leaves private memory out of logging
  Support restart;            // tx.restart() rolls the attempt back and runs it again
  bool tx_alloc;              // tx.alloc()/free() are undone on abort / deferred to commit
};

// The interface of a runtime, as code: what the comment at the top says.
template <class R>
concept Runtime = requires(R& rt, const R& crt, typename R::Thread& th, const typename R::Thread& cth,
                           typename R::Tx& tx, uint64_t* word, const void* p, size_t n, PrivatePredicate pred) {
  { R::kName } -> std::convertible_to<const char*>;
  requires std::constructible_from<R, Options, int>;
  requires std::constructible_from<typename R::Thread, R&, int>;
  { crt.describe() } -> std::same_as<Options>;
  { crt.capabilities() } -> std::same_as<Capabilities>;
  th.set_private(pred);
  th.atomically([](typename R::Tx&) {});
  { cth.stats() } -> std::convertible_to<const Stats&>;
  { tx.load(static_cast<const uint64_t*>(word)) } -> std::same_as<uint64_t>;
  tx.store(word, uint64_t{0});
  tx.release(p, n);
  tx.restart();
  { tx.alloc(n) } -> std::same_as<void*>;
  tx.free(static_cast<void*>(word));
};

}  // namespace lbtm
