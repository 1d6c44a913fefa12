// Lee's algorithm as STAMP's Labyrinth runs it, over any TM runtime.
//
// Each worker takes pairs from a shared work queue (one transaction per pop)
// and routes each in one transaction: copy the shared grid into its private
// grid, expand from the source in FIFO order until the destination is popped,
// trace back from the destination preferring straight lines (bend cost), and
// claim the path's interior cells on the shared grid, restarting if any was
// taken meanwhile.  Expansion order, costs, traceback tie-breaking and the
// work order are STAMP's (router.c), so one thread routes exactly STAMP's paths.
//
// The private grid, queue and traceback buffer live for the whole run (the
// worker lifetime, STAMP's), or for one routing transaction (the transaction
// lifetime, route_types.hpp): taken at the start of every attempt through the
// runtime's transaction-safe allocation, freed when it commits, given back
// when it aborts.  Those requests are atomic (private_memory.hpp): when
// allocpage's reserve is dry the attempt commits nothing, the worker refills
// the reserve outside any transaction and routes the pair again.
//
// The router is a template over the runtime R (tm/tm.hpp) and over how it
// reaches private memory, so the hot loops compile to direct calls; each
// runtime instantiates it in its own translation unit (run_<name>.cpp).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "labyrinth/capability_check.hpp"
#include "labyrinth/grid.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/test_slowdown.hpp"
#include "labyrinth/worker_threads.hpp"
#include "tm/tm.hpp"

namespace lb {
namespace router_detail {

// The free helpers below are `static`: run_itm.cpp compiles this header with
// other flags (-fgnu-tm; no -fsanitize=thread in the TSan build), and the
// linker must not pick its copy of an inline function for the other runtimes.
using Clock = std::chrono::steady_clock;
static inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// TM_PURE (tm/tm.hpp) is empty except for libitm (-fgnu-tm), where GCC
// refuses any call it cannot instrument inside __transaction_atomic.  The
// routing transaction's bookkeeping (phase timers, every attempt) and its
// private-memory work are such calls: marked pure, they run uninstrumented
// and are not rolled back, which is what every other runtime does with them.
TM_PURE static inline Clock::time_point now() { return Clock::now(); }
TM_PURE static inline void add_seconds(double* acc, Clock::time_point from, Clock::time_point to) {
  *acc += std::chrono::duration<double>(to - from).count();
}

// Private accesses: plain, or through the TM as a compiler would emit them.
// Always inlined: one access each, in the hottest loops.
template <bool kInstrumented>
struct Access {
  template <class Tx, class T>
  __attribute__((always_inline)) static T load(Tx& tx, const T* p) {
    if constexpr (kInstrumented) return tx.load(p); else return *p;
  }
  template <class Tx, class T>
  __attribute__((always_inline)) static void store(Tx& tx, T* p, T v) {
    if constexpr (kInstrumented) tx.store(p, v); else *p = v;
  }
};

// Reads a shared word outside the TM (the raw snapshot).  Under
// ThreadSanitizer the copy is word by word with relaxed atomics, so the race
// STAMP accepts ("ok if not most up-to-date") is a declared one.
// Pure under libitm: this is the uninstrumented copy STAMP's STM build makes.
TM_PURE static inline void copy_row_raw(Cell* dst, const Cell* src, int64_t n) {
#if defined(__SANITIZE_THREAD__)
  for (int64_t i = 0; i < n; ++i) dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
#else
  std::memcpy(dst, src, (size_t)n * sizeof(Cell));
#endif
}

// The privatized shape's search runs outside any transaction: its private
// accesses go straight to memory whatever the access policy.
struct PlainAccess {
  template <class T>
  T load(const T* p) { return *p; }
  template <class T>
  void store(T* p, T v) { *p = v; }
  // Outside a transaction a block is the caller's at once and freed at once.
  void* alloc(size_t bytes, const lbtm::BlockSource& src) { return src.allocate(src.ctx, bytes); }
  void free(void* p, size_t bytes, const lbtm::BlockSource& src) { src.deallocate(src.ctx, p, bytes); }
};

// kPerTx: the transaction lifetime of the private blocks.  A template
// parameter, not a flag: the worker lifetime's search then compiles to the
// code it had before the transaction lifetime existed (as a flag, its
// checks cost the whole search 2-3% more instructions under callgrind).
template <class R, bool kInstrumented, bool kPerTx>
class Worker {
  using Tx = typename R::Tx;
  // A runtime that models hardware sees the private accesses too (tm.hpp).
  static constexpr bool kTracked = kInstrumented || lbtm::tracks_every_access_v<R>;
  using P = Access<kTracked>;
  // Queue entries are words when instrumented (the TM works in words).
  using QEntry = std::conditional_t<kTracked, uint64_t, uint32_t>;

 public:
  Worker(R& rt, int id, const RouteRequest& req, SharedGrid& grid, WorkQueue& work)
      : th_(rt, id), req_(req), maze_(*req.maze), shared_(grid), work_(work), layout_(maze_),
        memory_(req.private_memory.make()), blocks_(worker_blocks(maze_, sizeof(QEntry))) {
    if (hands_private_predicate(req)) th_.set_private(memory_->predicate());
    // Whatever the filter: an abort on a lock reached through a private word
    // is counted as lock-table aliasing (false_aborts_private).
    lbtm::set_own_memory(th_, memory_->predicate());
    if constexpr (kPerTx) return;  // every attempt takes its own blocks (take_blocks())
    grid_ = static_cast<Cell*>(memory_->allocate(blocks_.grid_bytes));
    // Pads are FULL once and for all: copies write only real cells.
    std::fill_n(grid_, layout_.size, kFull);
    queue_capacity_ = blocks_.queue_bytes / sizeof(QEntry);
    queue_ = committed_queue_ = static_cast<QEntry*>(memory_->allocate(blocks_.queue_bytes));
    committed_capacity_ = queue_capacity_;
    trace_ = static_cast<uint32_t*>(memory_->allocate(blocks_.trace_bytes));
  }
  // Frees only what release_blocks() did not (a run that failed): never throws.
  ~Worker() { free_blocks(); }

  void run() {
    for (int64_t next; (next = work_.take(th_, req_.order.size())) >= 0;) route_pair(req_.order[(size_t)next]);
    result_.stats = th_.stats();
    release_blocks();
  }
  WorkerResult& result() { return result_; }

 private:
  void route_pair(uint32_t pair_index) {
    if (req_.params.snapshot == Snapshot::kPrivatized) return route_privatized(pair_index);
    const Pair& pair = maze_.pairs[pair_index];
    uint32_t* path = nullptr;
    uint32_t length = 0;
    int64_t started = test_slowdown_start();  // nothing unless built with LB_TEST_SLOWDOWN_PERCENT
    for (;;) {
      th_.atomically([&](Tx& tx) {
        path = nullptr;
        length = 0;
        if constexpr (kPerTx) {
          if (!take_blocks(tx)) return;  // the reserve is dry: commit nothing, refill below
        } else {
          restore_queue();
        }
        auto t0 = now();
        snapshot(tx);
        auto t1 = now();
        add_seconds(&result_.copy_s, t0, t1);
        uint32_t n = search(tx, pair);
        add_seconds(&result_.expand_s, t1, now());
        // No path: commit nothing, as STAMP; nor when the queue could not grow (dry_bytes_).
        if (n != 0 && (!kPerTx || dry_bytes_ == 0)) {
          // The path outlives the transaction only if it commits (STAMP leaks it on abort).
          uint32_t* p = static_cast<uint32_t*>(tx.alloc(n * sizeof(uint32_t)));
          std::memcpy(p, trace_, n * sizeof(uint32_t));
          claim(tx, p, n);
          path = p;
          length = n;
        }
        if constexpr (kPerTx) give_blocks(tx);  // freed once this attempt has committed
      });
      if constexpr (!kPerTx) {
        committed_queue_ = queue_;  // committed: a queue grown in the attempt is the worker's now
        committed_capacity_ = queue_capacity_;
        break;
      }
      if (dry_bytes_ == 0) break;
      refill_reserve();
    }
    if (path != nullptr) {
      result_.paths.push_back({pair_index, std::vector<uint32_t>(path, path + length)});
      std::free(path);  // tx.alloc memory is malloc's once committed (tm/tm.hpp)
    }
    test_slowdown(started);
  }

  // The privatized shape: copy, search and traceback outside any
  // transaction; one transaction claims the path if every interior cell is
  // still empty, and commits nothing otherwise (no restart: the stale copy
  // is outside it), in which case the pair is routed again from a fresh copy.
  void route_privatized(uint32_t pair_index) {
    const Pair& pair = maze_.pairs[pair_index];
    PlainAccess plain;
    for (;;) {
      // Transaction lifetime: blocks for this attempt only, taken with the
      // same atomic requests, outside any transaction as the search is.
      if constexpr (kPerTx) {
        if (!take_blocks(plain)) {
          refill_reserve();
          continue;
        }
      }
      auto t0 = now();
      copy_raw();
      auto t1 = now();
      add_seconds(&result_.copy_s, t0, t1);
      uint32_t n = search_in_tx(plain, pair);
      if constexpr (!kPerTx) {
        committed_queue_ = queue_;  // no transaction: a queue grown by the search is the worker's now
        committed_capacity_ = queue_capacity_;
      }
      add_seconds(&result_.expand_s, t1, now());
      if (kPerTx && dry_bytes_ != 0) {  // the queue could not grow: refill, route again
        give_blocks(plain);
        refill_reserve();
        continue;
      }
      if (n == 0) {  // no path on this copy: as STAMP, the pair fails
        if constexpr (kPerTx) give_blocks(plain);
        return;
      }
      uint32_t* path = nullptr;
      th_.atomically([&](Tx& tx) {
        path = nullptr;
        Cell* g = shared_.cells();
        for (uint32_t i = 1; i + 1 < n; ++i)
          if (tx.load(&g[trace_[i]]) != kEmpty) return;
        uint32_t* p = static_cast<uint32_t*>(tx.alloc(n * sizeof(uint32_t)));
        std::memcpy(p, trace_, n * sizeof(uint32_t));
        for (uint32_t i = 1; i + 1 < n; ++i) tx.store(&g[p[i]], kFull);
        path = p;
      });
      if constexpr (kPerTx) give_blocks(plain);
      if (path != nullptr) {
        result_.paths.push_back({pair_index, std::vector<uint32_t>(path, path + n)});
        std::free(path);
        return;
      }
      ++result_.reroutes;
    }
  }

  // STAMP's STM build: a plain copy, not seen by the TM.
  void copy_raw() {
    const Cell* src = shared_.cells();
    for (int64_t z = 0; z < layout_.depth; ++z)
      for (int64_t y = 0; y < layout_.height; ++y)
        copy_row_raw(&grid_[layout_.at(0, y, z)], &src[layout_.shared_index(0, y, z)], layout_.width);
  }

  // grid_copy(): the shared grid into the private one.
  void snapshot(Tx& tx) {
    switch (req_.params.snapshot) {
      case Snapshot::kRaw:
        if constexpr (!lbtm::tracks_every_access_v<R>) {
          copy_raw();
          return;
        }
        [[fallthrough]];  // hardware tracks the plain copy as it tracks every access
      case Snapshot::kPrivatized:  // never inside a transaction (route_privatized)
      case Snapshot::kTracked:
        copy_through_tm<false>(tx);
        return;
      case Snapshot::kReleased:
        copy_through_tm<true>(tx);
        return;
    }
  }

  // The copy through the TM, tracked or released, row by row.  Released:
  // every cell is read and released at once (lbtm::load_released, tm/tm.hpp),
  // so the read set never holds any of the grid: nothing read is validated
  // again (snapshot extension, commit), and the stm, which checks such a
  // read against the snapshot like any other but does not log it, saves the
  // log append per cell as well as the release calls (tm/README.md, "What
  // early release costs and saves on one thread").  STAMP's
  // USE_EARLY_RELEASE releases the same cells, a line per call, after its
  // whole copy.  Tracked and released run the same loop, so that they differ
  // by the access only: 8 cells at a time, unrolled (a row loop that GCC
  // was asked to unroll by 8 cost tracked 3.4 more instructions per read
  // under callgrind), then the row's rest.
  // Always inlined (into the transaction's body, as the copy was before):
  // GCC inlined the tracked copy and not the released one, and compiled the
  // same load 2 instructions dearer out of line.
  template <bool kRelease>
  __attribute__((always_inline)) inline void copy_through_tm(Tx& tx) {
    constexpr int64_t kChunk = 64 / sizeof(Cell);
    for (int64_t z = 0; z < layout_.depth; ++z)
      for (int64_t y = 0; y < layout_.height; ++y) {
        const Cell* s = &shared_.cells()[layout_.shared_index(0, y, z)];
        Cell* d = &grid_[layout_.at(0, y, z)];
        int64_t left = layout_.width;
        for (; left >= kChunk; s += kChunk, d += kChunk, left -= kChunk) {
#pragma GCC unroll 8
          for (int64_t x = 0; x < kChunk; ++x) P::store(tx, &d[x], read_shared<kRelease>(tx, &s[x]));
        }
        for (int64_t x = 0; x < left; ++x) P::store(tx, &d[x], read_shared<kRelease>(tx, &s[x]));
      }
  }
  // One cell of the shared grid, tracked or read and released at once.
  template <bool kRelease>
  __attribute__((always_inline)) static Cell read_shared(Tx& tx, const Cell* p) {
    if constexpr (kRelease) return lbtm::load_released(tx, p);
    else return tx.load(p);
  }

  // Expansion and traceback; returns the path length, 0 if none.  With
  // direct private accesses they touch only this worker's memory, so under
  // libitm they run in a pure call, uninstrumented like STAMP's hand-
  // instrumented code (for other runtimes the two paths are the same code).
  uint32_t search(Tx& tx, const Pair& pair) {
    if constexpr (kInstrumented) return search_in_tx(tx, pair);
    else return search_pure(tx, pair);
  }
  TM_PURE uint32_t search_pure(Tx& tx, const Pair& pair) { return search_in_tx(tx, pair); }
  // Out of line: inlined into each runtime's atomically() it compiled to
  // different code per runtime (callgrind: 236M instructions under seq, 252M
  // under stm, for the same work); out of line it is the same 233M for all.
  // X is the transaction, or PlainAccess outside one (route_privatized).
  template <class X>
  __attribute__((noinline)) uint32_t search_in_tx(X& tx, const Pair& pair) {
    if constexpr (kPerTx) fill_pads(tx);  // a fresh grid: the copy writes only real cells
    bool found = expand(tx, layout_.at(pair.src), layout_.at(pair.dst));
    return found ? traceback(tx, pair.dst) : 0;
  }

  // PdoExpansion(): breadth-first wave from the source; a cell is queued
  // again whenever a cheaper way to it is found.
  template <class X>
  bool expand(X& tx, uint32_t src, uint32_t dst) {
    const int64_t xc = req_.params.x_cost, yc = req_.params.y_cost, zc = req_.params.z_cost;
    const uint32_t row = (uint32_t)layout_.row, plane = (uint32_t)layout_.plane;
    const uint32_t last_plane = layout_.last_plane_start(), second_plane = layout_.second_plane_start();
    size_t head = 0, tail = 0;
    push(tx, tail, src);
    P::store(tx, &grid_[src], Cell{0});
    P::store(tx, &grid_[dst], kEmpty);
    // Always inlined: left to GCC's inlining budget for the translation
    // unit, a change elsewhere in the router (the copy loops) once moved it
    // out of line, at 28% more instructions in the expansion.
    auto visit = [&](uint32_t i, Cell value) __attribute__((always_inline)) {
      Cell old = P::load(tx, &grid_[i]);
      // STAMP: EMPTY, or not FULL and cheaper.  FULL (-2) is below every
      // cost (>= 0), so "cheaper" alone already excludes it.
      if (old == kEmpty || value < old) {
        P::store(tx, &grid_[i], value);
        push(tx, tail, i);
      }
    };
    while (head < tail) {
      if constexpr (!kTracked) {
        // The queue says which cells expand next: fetch the neighbourhood of
        // one a few entries ahead (other rows and planes are other lines).
        if (head + kPrefetchAhead < tail) {
          // Integer arithmetic: near the grid's ends these addresses lie
          // outside it, which a prefetch tolerates and a pointer must not.
          uintptr_t at = (uintptr_t)grid_ + (uintptr_t)queue_[head + kPrefetchAhead] * sizeof(Cell);
          uintptr_t dy = row * sizeof(Cell), dz = plane * sizeof(Cell);
          __builtin_prefetch((const void*)(at + dy), 1);
          __builtin_prefetch((const void*)(at - dy), 1);
          __builtin_prefetch((const void*)(at + dz), 1);
          __builtin_prefetch((const void*)(at - dz), 1);
        }
      }
      uint32_t i = (uint32_t)P::load(tx, &queue_[head++]);
      if (i == dst) return true;
      Cell v = P::load(tx, &grid_[i]);
      visit(i + 1, v + xc);    // +x (pads stop the wave at the row's end)
      visit(i - 1, v + xc);    // -x
      visit(i + row, v + yc);  // +y
      visit(i - row, v + yc);  // -y
      if (i < last_plane) visit(i + plane, v + zc);     // +z
      if (i >= second_plane) visit(i - plane, v + zc);  // -z
    }
    return false;
  }

  static constexpr size_t kPrefetchAhead = 8;

  template <class X>
  void push(X& tx, size_t& tail, uint32_t i) {
    if (tail == queue_capacity_) {
      grow_queue(tx);
      // Could not grow (the reserve is dry): the entry is dropped, and the
      // attempt, whose search is now incomplete, claims nothing.
      if constexpr (kPerTx)
        if (tail == queue_capacity_) return;
    }
    P::store(tx, &queue_[tail++], (QEntry)i);
  }

  // Rare: a wave that queues more entries than the grid has cells.  The
  // old queue may still have entries in the attempt's write set (stm) or
  // undo log (lock, tbb, itm) when private accesses are instrumented, so it
  // goes through the TM's transaction-safe free: freed only once the attempt
  // has committed.  The new one is given back if the attempt aborts, and the
  // next attempt starts from the last committed queue (restore_queue()).
  // Pure under libitm: the copy needs no logging (every attempt refills the
  // queue), and tx.alloc/free with a source are pure themselves.
  // X is the transaction, or PlainAccess outside one (route_privatized).
  // Transaction lifetime: an atomic request; when the reserve is dry it
  // leaves the queue as it is and says how much it needed (dry_bytes_).
  template <class X>
  TM_PURE void grow_queue(X& tx) {
    if (kPerTx && dry_bytes_ != 0) return;  // dry already: this attempt's search is void anyway
    size_t bigger = queue_capacity_ * 2;
    const lbtm::BlockSource& src = kPerTx ? memory_->atomic_source() : memory_->tx_source();
    auto* q = static_cast<QEntry*>(tx.alloc(bigger * sizeof(QEntry), src));
    if (kPerTx && q == nullptr) {  // only atomic requests say nullptr
      dry_bytes_ = bigger * sizeof(QEntry);
      return;
    }
    for (size_t k = 0; k < queue_capacity_; ++k) P::store(tx, &q[k], P::load(tx, &queue_[k]));
    tx.free(queue_, queue_capacity_ * sizeof(QEntry), src);
    queue_ = q;
    queue_capacity_ = bigger;
    ++result_.queue_grows;
  }
  // Pure under libitm: the worker's own bookkeeping, not shared state.
  TM_PURE void restore_queue() {
    queue_ = committed_queue_;
    queue_capacity_ = committed_capacity_;
  }

  // Transaction lifetime: this attempt's grid, queue and traceback buffer,
  // through the TM's transaction-safe allocation from the private memory's
  // atomic requests, so an aborted attempt gives them back.  false when one
  // could not be had now (allocpage's reserve is dry; dry_bytes_ says how
  // much): the others go back when the attempt commits.
  // Pure under libitm: tx.alloc/free with a source are pure themselves, and
  // the pointers are the worker's own, set again by every attempt.
  // X is the transaction, or PlainAccess outside one (route_privatized).
  template <class X>
  TM_PURE bool take_blocks(X& tx) {
    const lbtm::BlockSource& src = memory_->atomic_source();
    dry_bytes_ = 0;
    queue_capacity_ = blocks_.queue_bytes / sizeof(QEntry);
    grid_ = static_cast<Cell*>(tx.alloc(blocks_.grid_bytes, src));
    queue_ = grid_ == nullptr ? nullptr : static_cast<QEntry*>(tx.alloc(blocks_.queue_bytes, src));
    trace_ = queue_ == nullptr ? nullptr : static_cast<uint32_t*>(tx.alloc(blocks_.trace_bytes, src));
    if (trace_ != nullptr) return true;
    dry_bytes_ = grid_ == nullptr ? blocks_.grid_bytes : queue_ == nullptr ? blocks_.queue_bytes : blocks_.trace_bytes;
    give_blocks(tx);
    return false;
  }
  // Transaction lifetime: the attempt's blocks go, freed once it has
  // committed (at once outside a transaction).
  template <class X>
  TM_PURE void give_blocks(X& tx) {
    const lbtm::BlockSource& src = memory_->atomic_source();
    if (trace_ != nullptr) tx.free(trace_, blocks_.trace_bytes, src);
    if (queue_ != nullptr) tx.free(queue_, queue_capacity_ * sizeof(QEntry), src);
    if (grid_ != nullptr) tx.free(grid_, blocks_.grid_bytes, src);
    grid_ = nullptr;
    queue_ = nullptr;
    trace_ = nullptr;
  }
  // A fresh grid's pads (grid.hpp: a FULL cell after every row, a FULL row
  // after every plane, and the leading row); the worker lifetime fills the
  // whole grid once instead.
  template <class X>
  void fill_pads(X& tx) {
    for (int64_t i = 0; i < layout_.base; ++i) P::store(tx, &grid_[i], kFull);
    for (int64_t z = 0; z < layout_.depth; ++z) {
      for (int64_t y = 0; y < layout_.height; ++y) P::store(tx, &grid_[layout_.at(layout_.width, y, z)], kFull);
      const int64_t pad_row = layout_.at(0, layout_.height, z);
      for (int64_t x = 0; x < layout_.row; ++x) P::store(tx, &grid_[pad_row + x], kFull);
    }
  }
  // After an attempt found the reserve dry, outside any transaction, where
  // blocking is allowed: a refill, then the pair is routed again.  Counted,
  // so the record shows it (router.dry_reserve_retries).
  void refill_reserve() {
    ++result_.dry_reserve_retries;
    if (!memory_->refill(dry_bytes_)) throw std::bad_alloc();
    dry_bytes_ = 0;
  }

  // After the last transaction: a bad free becomes this worker's error (an
  // exception from run(), recorded as a failed run), never one thrown from
  // a destructor.
  void release_blocks() {
    free_blocks();
    if (!memory_->error().empty()) throw std::runtime_error(memory_->error());
  }
  void free_blocks() noexcept {
    if constexpr (kPerTx) return;  // every block went with its attempt (give_blocks(), or the abort)
    auto give_back = [&](auto*& p, size_t bytes) {
      if (p == nullptr) return;
      try {
        memory_->deallocate(p, bytes);
      } catch (const std::exception&) {  // only inside a transaction, which this is not
      }
      p = nullptr;
    };
    give_back(trace_, blocks_.trace_bytes);
    // The committed queue: one grown in an attempt that failed went back with it.
    give_back(committed_queue_, committed_capacity_ * sizeof(QEntry));
    queue_ = nullptr;
    give_back(grid_, blocks_.grid_bytes);
  }

  struct Point {
    int64_t x, y, z;
    Cell value;
    int momentum;  // 0 none, then STAMP's POSX POSY POSZ NEGX NEGY NEGZ
  };
  struct Move {
    int64_t dx, dy, dz;
    int momentum;
  };
  static constexpr Move kMoves[6] = {{1, 0, 0, 1}, {0, 1, 0, 2}, {0, 0, 1, 3},
                                     {-1, 0, 0, 4}, {0, -1, 0, 5}, {0, 0, -1, 6}};

  // traceToNeighbor(): '<=' favours the later neighbour over the current best.
  template <class X>
  void trace_to(X& tx, const Point& curr, const Move& m, bool use_momentum, Point& next) {
    int64_t x = curr.x + m.dx, y = curr.y + m.dy, z = curr.z + m.dz;
    if (x < 0 || x >= layout_.width || y < 0 || y >= layout_.height || z < 0 || z >= layout_.depth) return;
    Cell value = P::load(tx, &grid_[layout_.at(x, y, z)]);
    if (value == kEmpty || value == kFull) return;
    Cell b = (use_momentum && curr.momentum != m.momentum) ? req_.params.bend_cost : 0;
    if (value + b <= next.value) next = {x, y, z, value, m.momentum};
  }

  // PdoTraceback(): from the destination down the cost gradient to the
  // source (value 0).  Fills trace_ with shared indices; 0 if stuck.
  template <class X>
  uint32_t traceback(X& tx, const Coord& dst) {
    Point next{dst.x, dst.y, dst.z, P::load(tx, &grid_[layout_.at(dst)]), 0};
    uint32_t n = 0;
    for (;;) {
      trace_[n++] = (uint32_t)layout_.shared_index(next.x, next.y, next.z);
      P::store(tx, &grid_[layout_.at(next.x, next.y, next.z)], kFull);
      if (next.value == 0) return n;
      Point curr = next;
      for (const Move& m : kMoves) trace_to(tx, curr, m, true, next);
      if (next.x == curr.x && next.y == curr.y && next.z == curr.z) {
        // Bend costs may hide every neighbour: try again ignoring momentum.
        next.value = curr.value;
        for (const Move& m : kMoves) trace_to(tx, curr, m, false, next);
        if (next.x == curr.x && next.y == curr.y && next.z == curr.z) return 0;
      }
    }
  }

  // TMgrid_addPath(): endpoints are FULL already; the interior must still
  // be empty on the shared grid, or another worker got there first.
  void claim(Tx& tx, const uint32_t* path, uint32_t n) {
    Cell* g = shared_.cells();
    for (uint32_t i = 1; i + 1 < n; ++i) {
      if (tx.load(&g[path[i]]) != kEmpty) tx.restart();
      tx.store(&g[path[i]], kFull);
    }
  }

  typename R::Thread th_;
  const RouteRequest& req_;
  const Maze& maze_;
  SharedGrid& shared_;
  WorkQueue& work_;
  PaddedLayout layout_;
  std::unique_ptr<PrivateMemory> memory_;
  WorkerBlocks blocks_;
  size_t dry_bytes_ = 0;    // an atomic request of this attempt found the reserve dry: what it asked for
  Cell* grid_ = nullptr;
  QEntry* queue_ = nullptr;
  size_t queue_capacity_ = 0;
  QEntry* committed_queue_ = nullptr;  // the queue as of the last commit
  size_t committed_capacity_ = 0;
  uint32_t* trace_ = nullptr;
  WorkerResult result_;
};

template <class R, bool kInstrumented, bool kPerTx>
void run_workers(R& rt, const RouteRequest& req, SharedGrid& grid, RouteOutcome& out) {
  WorkQueue work;
  run_worker_threads(req.threads, out, [&](int id) {
    Worker<R, kInstrumented, kPerTx> w(rt, id, req, grid, work);
    w.run();
    return std::move(w.result());
  });
}

}  // namespace router_detail

// Routes every pair of req.maze with runtime R, the private blocks living per
// worker or (kPerTx) per transaction.  Throws std::invalid_argument when R
// refuses its options or thread count, or cannot honour what the request
// asks of it (check_capabilities), std::bad_alloc when memory runs out.
//
// One lifetime per translation unit: run_<name>.cpp instantiates the worker
// lifetime and declares the other `extern template`; run_<name>_tx.cpp
// instantiates it explicitly.  In one unit, the second
// instantiation changed what GCC inlined into the worker lifetime's search
// (up to 2.3x its instructions under callgrind); apart, the worker
// lifetime's code is what it was before the transaction lifetime existed.
template <lbtm::Runtime R, bool kPerTx>
RouteOutcome route_with_lifetime(const RouteRequest& req) {
  R rt(req.tm_options, req.threads);
  check_capabilities(R::kName, rt.capabilities(), req, "a claim that meets another thread's path");
  SharedGrid grid(*req.maze);
  RouteOutcome out;
  if (req.params.private_access == PrivateAccess::kInstrumented)
    router_detail::run_workers<R, true, kPerTx>(rt, req, grid, out);
  else
    router_detail::run_workers<R, false, kPerTx>(rt, req, grid, out);
  out.tm_config = rt.describe();
  out.private_predicate = private_predicate_in_effect(req, rt.capabilities());
  out.final_grid.assign(grid.cells(), grid.cells() + grid.size());
  return out;
}

// Routes with the lifetime the request asks for.
template <lbtm::Runtime R>
RouteOutcome route(const RouteRequest& req) {
  if (req.params.private_lifetime == PrivateLifetime::kTransaction) return route_with_lifetime<R, true>(req);
  return route_with_lifetime<R, false>(req);
}

}  // namespace lb
