// Lee-TM's router (--rules lee-tm) over any TM runtime: Manchester's
// algorithm as ../shared/inputs/lee-tm/README.md describes it, laid out for
// speed.  One route is one transaction:
//  - expansion: a level-synchronous wave from the start on both layers over a
//    private "temp grid", neighbours north, east, south, west, then the other
//    layer; stepping into a cell costs its shared value + 1, a cell is queued
//    again whenever its cost improves, the goal is taken whatever its cost,
//    and the wave stops as soon as the goal is reached on both layers;
//  - traceback from the goal down the temp grid with Manchester's layer
//    preferences and via rules, writing tracks and vias to the shared grid.
// How expansion reads the shared grid is the snapshot shape:
//  - tracked: every read through the TM (Lee-TM's natural transaction: the
//    read set is the whole wave);
//  - released: the same reads, each released at once (Watson et al.'s early
//    release); only the traceback's reads of the path stay in the read set;
//  - raw: a plain copy of the shared grid, as STAMP's STM build takes;
//  - privatized: expansion and traceback outside any transaction, reading
//    the shared grid cell by cell as it is (no copy); one transaction claims
//    the route if every shared cell the traceback read still holds what it
//    read, and commits nothing otherwise, in which case the route is
//    expanded again (the STAMP-rules privatized shape, Lee-TM's way).
// The traceback reads every cell it lays through the TM; a cell the wave
// could enter but that is taken now means the wave saw a stale grid
// (released or raw), and the attempt restarts.
//
// Runtimes: the private temp grid and queue are plain memory (--private
// direct).  Under libitm (-fgnu-tm) the search is a TM_PURE call, so the
// compiler does not instrument it, and its shared reads call libitm's read
// barrier by hand (ItmRuntime::Tx::load_from_pure).  A model of hardware TM
// sees every access (lbtm::tracks_every_access_v): each private access is
// shown to it as well (Worker::touch_read / touch_write).
//
// Where this differs from Manchester's code (never on the five boards; the
// tests check): the temp grid is reset only where the wave wrote (Manchester
// resets all 720,000 cells per route), and a traceback that finds no lower
// neighbour and cannot take a via, or comes back to a cell it has laid, fails
// its route (Manchester steps west or south regardless and may loop forever).
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <vector>

#include "labyrinth/capability_check.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/worker_threads.hpp"

namespace lb {
namespace lee_detail {

using lee::Cell;
using Clock = std::chrono::steady_clock;

// The privatized shape's traceback met a cell taken since the wave read it.
struct StaleView {};

// Outside any transaction (the privatized shape's search): the shared grid
// read as it is, word by word with relaxed atomics (other threads commit
// into it meanwhile: a stale value is what the claim checks for); a
// restart is a StaleView; private blocks come and go at once.  In an
// unnamed namespace: lee_run_itm.cpp compiles this header with other flags
// (-fgnu-tm, no sanitizer), and the linker must not pick its copy for the
// other runtimes.
namespace {
struct PlainAccess {
  Cell load(const Cell* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
  void release(const void*, size_t) {}
  [[noreturn]] void restart() { throw StaleView{}; }
  void* alloc(size_t bytes, const lbtm::BlockSource& src) { return src.allocate(src.ctx, bytes); }
  void free(void* p, size_t bytes, const lbtm::BlockSource& src) { src.deallocate(src.ctx, p, bytes); }
};
}  // namespace

template <class R, Snapshot S>
class Worker {
  using Tx = typename R::Tx;
  // libitm: the search runs uninstrumented and reads the shared grid by hand.
  static constexpr bool kHandBarriers = requires(Tx& t, const Cell* p) { t.load_from_pure(p); };
  // A model of hardware TM: private accesses are shown to it too.
  static constexpr bool kMirror = lbtm::tracks_every_access_v<R>;

 public:
  Worker(R& rt, int id, const RouteRequest& req, Cell* shared, WorkQueue& work)
      : th_(rt, id), req_(req), maze_(*req.maze), shared_(shared), work_(work),
        memory_(req.private_memory.make()), blocks_(lee::worker_blocks(maze_, S == Snapshot::kRaw)),
        row_((uint32_t)(2 * maze_.width)), plane_((uint32_t)(maze_.width * maze_.height)) {
    // One rule for both routers; false here (Lee-TM's rules take --private direct only).
    if (hands_private_predicate(req)) th_.set_private(memory_->predicate());
    lbtm::set_own_memory(th_, memory_->predicate());  // abort attribution (tm.hpp, "Own memory")
    if constexpr (requires(R& r) { r.l1(); }) line_bytes_ = rt.l1().line_bytes;
    const size_t cells = (size_t)maze_.cells();
    temp_ = static_cast<lee::Temp*>(memory_->allocate(blocks_.temp_bytes));
    clear_temp();
    visit_ = static_cast<uint32_t*>(memory_->allocate(blocks_.visit_bytes));
    std::fill_n(visit_, cells, 0u);
    queue_cap_ = blocks_.queue_bytes / sizeof(uint32_t);
    queue_ = committed_queue_ = static_cast<uint32_t*>(memory_->allocate(queue_cap_ * sizeof(uint32_t)));
    committed_cap_ = queue_cap_;
    if constexpr (S == Snapshot::kRaw) copy_ = static_cast<Cell*>(memory_->allocate(blocks_.copy_bytes));
  }
  ~Worker() {
    if (copy_ != nullptr) memory_->deallocate(copy_, blocks_.copy_bytes);
    memory_->deallocate(committed_queue_, committed_cap_ * sizeof(uint32_t));  // one grown in a failed attempt went back
    memory_->deallocate(visit_, blocks_.visit_bytes);
    memory_->deallocate(temp_, blocks_.temp_bytes);
  }

  void run() {
    for (int64_t next; (next = work_.take(th_, req_.order.size())) >= 0;) route_pair(req_.order[(size_t)next]);
    result_.stats = th_.stats();
  }
  WorkerResult& result() { return result_; }

 private:
  void route_pair(uint32_t pair_index) {
    if constexpr (S == Snapshot::kPrivatized) {
      route_privatized(pair_index);
    } else {
      const Pair& pair = maze_.pairs[pair_index];
      bool laid = false;
      th_.atomically([&](Tx& tx) {
        laid = false;
        if (!search(tx, pair)) return;  // the route fails; nothing to write
        for (const Write& w : writes_) tx.store(&shared_[w.cell], w.value);
        laid = true;
      });
      committed_queue_ = queue_;  // committed: a queue grown in the attempt is the worker's now
      committed_cap_ = queue_cap_;
      finish(pair_index, laid);
    }
  }

  // The privatized shape: search outside any transaction, then claim.
  void route_privatized(uint32_t pair_index) {
    const Pair& pair = maze_.pairs[pair_index];
    PlainAccess plain;
    for (;;) {
      bool found = false, stale = false;
      try {
        found = search(plain, pair);
      } catch (const StaleView&) {  // the traceback already saw a cell taken
        stale = true;
      }
      committed_queue_ = queue_;  // no transaction: a queue grown by the search is the worker's now
      committed_cap_ = queue_cap_;
      if (stale) {
        ++result_.reroutes;
        continue;
      }
      if (!found) return finish(pair_index, false);  // no path even on this (fresher) view: none now
      bool claimed = false;
      th_.atomically([&](Tx& tx) {
        claimed = false;
        for (const Read& r : reads_)
          if (tx.load(&shared_[r.cell]) != r.value) return;  // taken since: commit nothing
        for (const Write& w : writes_) tx.store(&shared_[w.cell], w.value);
        claimed = true;
      });
      if (claimed) return finish(pair_index, true);
      ++result_.reroutes;
    }
  }

  void finish(uint32_t pair_index, bool laid) {
    if (laid) {
      result_.paths.push_back({pair_index, path_});
      result_.vias += vias_;
      result_.forced_vias += forced_vias_;
    } else {
      ++result_.failed;
    }
  }

  // One attempt's expansion and traceback; true if the route can be laid
  // (writes_ and path_ say how).  X is the transaction, or PlainAccess
  // outside one.  Pure under libitm: uninstrumented, as the file comment says.
  template <class X>
  TM_PURE bool search(X& x, const Pair& pair) {
    restore_queue();
    reset_temp(x);
    auto t0 = Clock::now();
    if constexpr (S == Snapshot::kRaw) snapshot(x);
    auto t1 = Clock::now();
    result_.copy_s += std::chrono::duration<double>(t1 - t0).count();
    bool found = expand(x, pair);
    found = found && traceback(x, pair);
    result_.expand_s += std::chrono::duration<double>(Clock::now() - t1).count();
    return found;
  }

  // A shared cell read through the TM (by hand under libitm), or as it is
  // outside a transaction.
  template <class X>
  Cell shared_read(X& x, const Cell* p) {
    if constexpr (kHandBarriers && std::is_same_v<X, Tx>) return x.load_from_pure(p);
    else return x.load(p);
  }

  // A model of hardware TM sees the private temp grid, queue and copy too.
  // They stay plain memory; each access is shown to the model after it
  // happened, by loading the word that holds it, or storing that word back
  // unchanged.  So the model tracks the same lines as hardware would, its
  // buffered or undo-logged value of a word is always what memory holds
  // (writing it back at commit, or undoing it under its lock, changes
  // nothing), and an attempt it aborts leaves the private blocks as the
  // worker's plain bookkeeping says, as under every other runtime.
  template <class X>
  void touch_read(X& x, const void* p) {
    if constexpr (kMirror && std::is_same_v<X, Tx>) (void)x.load(word_of(p));
  }
  template <class X>
  void touch_write(X& x, const void* p) {
    if constexpr (kMirror && std::is_same_v<X, Tx>) {
      uint64_t* w = word_of(p);
      uint64_t v;
      std::memcpy(&v, w, sizeof v);
      x.store(w, v);
    }
  }
  static uint64_t* word_of(const void* p) { return reinterpret_cast<uint64_t*>((uintptr_t)p & ~uintptr_t(7)); }
  // A temp-grid cell as Manchester's has it (the ring unreached).
  template <class X>
  lee::Temp temp(X& x, uint32_t i) {
    touch_read(x, &temp_[i]);
    const lee::Temp t = temp_[i];
    return t == kRingMark ? (lee::Temp)lee::kUnreached : t;
  }
  // Marks in the temp grid (expand()), above every cost a wave or a goal
  // can reach (lee_rules.hpp), so that the wave's "reached at v + 1 or
  // less" never skips them: the outer ring, which the wave never enters
  // (Manchester's ok()), and the goal's cells while the wave runs.
  static constexpr lee::Temp kRingMark = 20000, kGoalMark = INT16_MAX;
  static_assert(lee::kUnreached + lee::kTrack + 1 < kRingMark && kRingMark < kGoalMark);
  // Nothing reached, the ring marked.
  void clear_temp() {
    std::fill_n(temp_, (size_t)maze_.cells(), lee::kUnreached);
    const int64_t w = maze_.width, h = maze_.height;
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        if (x == 0 || y == 0 || x == w - 1 || y == h - 1) temp_[at(x, y, 0)] = temp_[at(x, y, 1)] = kRingMark;
  }

  // The shared grid into the private copy (raw): plain reads, as STAMP's
  // grid_copy(); word by word with relaxed atomics under ThreadSanitizer,
  // so the race it accepts is a declared one.  A model of hardware is shown
  // the copy line by line, each shared line read (before: a writer
  // meanwhile conflicts) and then each line of the copy written, as the
  // copy loop would run on hardware: its write set overflows early.
  template <class X>
  void snapshot(X& x) {
    const int64_t n = 2 * plane_;
    const int64_t chunk = kMirror ? std::max<int64_t>(1, line_bytes_ / (int64_t)sizeof(Cell)) : n;
    for (int64_t i = 0; i < n; i += chunk) {
      touch_read(x, &shared_[i]);
      copy_cells(&copy_[i], &shared_[i], std::min(chunk, n - i));
      touch_write(x, &copy_[i]);
    }
  }
  static void copy_cells(Cell* to, const Cell* from, int64_t n) {
#if defined(__SANITIZE_THREAD__)
    for (int64_t i = 0; i < n; ++i) to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
#else
    std::memcpy(to, from, (size_t)n * sizeof(Cell));
#endif
  }

  // The wave's read of a shared cell, as the shape says.
  // grid is copy_ (raw) or shared_, held in a register by the caller.
  template <class X>
  Cell read(X& x, const Cell* grid, uint32_t i) {
    if constexpr (S == Snapshot::kRaw) {
      touch_read(x, &grid[i]);
      return grid[i];
    } else if constexpr (S == Snapshot::kReleased && !kHandBarriers) {
      // Read and released at once (lbtm::load_released, tm/tm.hpp): the stm
      // checks the cell against the snapshot and never logs it.  The wave
      // runs before the traceback's logged reads, so no earlier read of the
      // cell is left in the read set for a separate release to drop.
      return lbtm::load_released(x, &grid[i]);
    } else {
      Cell v = shared_read(x, &grid[i]);
      if constexpr (S == Snapshot::kReleased) x.release(&grid[i], sizeof(Cell));
      return v;
    }
  }

  // The queue says which cells expand next: fetch the rows above and below
  // one a few entries ahead in the temp grid and in the grid the wave reads
  // (its own row is the line just used).  Integer arithmetic: at the grid's
  // ends these addresses lie outside it, which a prefetch tolerates and a
  // pointer must not.
  static constexpr size_t kPrefetchAhead = 32;
  static void prefetch(const lee::Temp* temp, const Cell* grid, uint32_t row, uint32_t i) {
    const uintptr_t t = (uintptr_t)temp + (uintptr_t)i * sizeof(lee::Temp), dt = row * sizeof(lee::Temp);
    const uintptr_t g = (uintptr_t)grid + (uintptr_t)i * sizeof(Cell), dg = row * sizeof(Cell);
    __builtin_prefetch((const void*)(t + dt), 1);
    __builtin_prefetch((const void*)(t - dt), 1);
    __builtin_prefetch((const void*)(g + dg), 0);
    __builtin_prefetch((const void*)(g - dg), 0);
  }

  template <class X>
  void push(X& x, uint32_t i) {
    if (tail_ == queue_cap_) grow_queue(x);
    queue_[tail_++] = i;
    touch_write(x, &queue_[tail_ - 1]);
  }
  // Rare: more re-queueings than twice the cells.  Inside the routing
  // transaction, so through the TM's transaction-safe allocation
  // (private_memory.hpp refuses a plain free there): the old queue is freed
  // when the attempt commits, the new one given back if it aborts, and the
  // next attempt starts from the committed queue (restore_queue()).
  template <class X>
  void grow_queue(X& x) {
    size_t bigger = queue_cap_ * 2;
    const lbtm::BlockSource& src = memory_->tx_source();
    auto* q = static_cast<uint32_t*>(x.alloc(bigger * sizeof(uint32_t), src));
    std::memcpy(q, queue_, queue_cap_ * sizeof(uint32_t));
    for (size_t k = 0; k < queue_cap_; k += 2) touch_write(x, &q[k]);
    x.free(queue_, queue_cap_ * sizeof(uint32_t), src);
    queue_ = q;
    queue_cap_ = bigger;
    ++result_.queue_grows;
  }
  // An attempt that grew the queue and aborted gave its queue back, and with
  // it the list of cells reset_temp() clears: clear them all (rare; not
  // shown to a hardware model: nothing of this attempt is in its sets yet,
  // and the reset only makes sure).
  void restore_queue() {
    if (queue_ == committed_queue_) return;
    queue_ = committed_queue_;
    queue_cap_ = committed_cap_;
    clear_temp();
    tail_ = 0;
  }

  // Back to "unreached" wherever the last attempt wrote: every queued cell
  // (the queue keeps all levels), the start and goal, and via marks.
  template <class X>
  void reset_temp(X& x) {
    for (size_t k = 0; k < tail_; ++k) {
      touch_read(x, &queue_[k]);
      temp_[queue_[k]] = lee::kUnreached;
      touch_write(x, &temp_[queue_[k]]);
    }
    for (uint32_t c : touched_) {
      temp_[c] = lee::kUnreached;
      touch_write(x, &temp_[c]);
    }
    tail_ = 0;
    touched_.clear();
  }

  // expandFromTo(): true when the goal is reached on both layers.
  //
  // Nearly all of a run's time is spent here, so the hot state lives in
  // locals the compiler keeps in registers (through the worker's members,
  // every store to the uint32_t queue could alias row_ and force reloads),
  // and a neighbour the wave has already reached, the common case, costs a
  // load and one compare: the goal's cells hold kGoalMark during the wave
  // (their costs are kept in goal_cost), and the ring holds kRingMark
  // (clear_temp()), both above every cost, so neither needs a test of its
  // own until its shared cell has been read, as Manchester reads it.
  // tail_ is what reset_temp() clears from after an abort, so it is kept
  // current after every push (a TM read or a hardware model's touch may
  // abort; libitm aborts by a long jump that discards locals).  A cell goes
  // on the queue before its temp value changes, so no abort leaves a written
  // cell reset_temp() misses, and every cell written is queued or in
  // touched_ before a hardware model is shown the write.
  template <class X>
  bool expand(X& x, const Pair& p) {
    const uint32_t src = at(p.src.x, p.src.y, 0), goal0 = at(p.dst.x, p.dst.y, 0);
    const uint32_t goal1 = goal0 + 1;
    touched_.insert(touched_.end(), {src, src + 1, goal0, goal1});
    temp_[goal0] = temp_[goal1] = kGoalMark;
    temp_[src] = temp_[src + 1] = 1;
    touch_write(x, &temp_[src]);
    push(x, src);
    push(x, src + 1);

    lee::Temp* const tg = temp_;  // the temp grid
    const Cell* const grid = S == Snapshot::kRaw ? copy_ : shared_;  // what the wave reads
    const uint32_t row = row_;
    uint32_t* q = queue_;
    size_t head = 0, tail = tail_, cap = queue_cap_;
    int32_t goal_cost[2] = {lee::kUnreached, lee::kUnreached};  // per layer
    bool done = false;  // the goal reached on both layers

    // The steps are lambdas over these locals; GCC does not inline them all
    // by itself, and a call per neighbour costs more than the step.
#define LB_INLINE __attribute__((always_inline))
    auto enqueue = [&](uint32_t n) LB_INLINE {
      if (tail == cap) [[unlikely]] {
        tail_ = tail;
        grow_queue(x);
        q = queue_;
        cap = queue_cap_;
      }
      q[tail++] = n;
      tail_ = tail;
      touch_write(x, &q[tail - 1]);
    };
    // One neighbour, as Manchester steps: read the shared cell, enter it if
    // that improves its cost (the goal whatever its cost).  A cell the wave
    // already reached at v + 1 or less cannot improve (every step costs at
    // least 1), and its shared value was read when it was reached, so
    // skipping the read leaves the result and the read set (as a set) the
    // same, and saves most reads.
    auto step = [&](int32_t v, uint32_t n) LB_INLINE {
      touch_read(x, &tg[n]);
      const int32_t t = tg[n];
      if (t <= v + 1) return;
      const Cell weight = read(x, grid, n) + 1;
      if (t >= kRingMark) [[unlikely]] {  // the ring (never entered) or the goal
        if (t != kGoalMark) return;
        goal_cost[n & 1] = (int32_t)(v + weight);
        goal_seen_[n & 1] = weight - 1;
        touch_write(x, &tg[n]);
        done = goal_cost[0] != lee::kUnreached && goal_cost[1] != lee::kUnreached;
        return;
      }
      if ((Cell)t > v + weight && weight < lee::kOccupied) {
        enqueue(n);
        tg[n] = (lee::Temp)(v + weight);
        touch_write(x, &tg[n]);
      }
    };
    // The other layer at the same point: changing layer costs nothing.
    auto change_layer = [&](int32_t v, uint32_t f) LB_INLINE {
      const uint32_t o = f ^ 1;
      touch_read(x, &tg[o]);
      if (tg[o] > v && read(x, grid, o) + 1 < lee::kOccupied) {
        enqueue(o);
        tg[o] = (lee::Temp)v;
        touch_write(x, &tg[o]);
      }
    };
#undef LB_INLINE

    // Level-synchronous as Manchester's: one FIFO, each level's cells queued
    // after the level before (a cell improved again is queued again).
    while (head < tail) {
      if (head + kPrefetchAhead < tail) prefetch(tg, grid, row, q[head + kPrefetchAhead]);
      touch_read(x, &q[head]);
      const uint32_t f = q[head++];
      touch_read(x, &tg[f]);
      const int32_t v = tg[f];
      step(v, f + row);  // north
      step(v, f + 2);    // east
      step(v, f - row);  // south
      step(v, f - 2);    // west
      change_layer(v, f);
      if constexpr (kMirror) {
        // A hardware model is shown the goal test after every cell, as
        // Manchester's loop makes it (the same lines as ever).
        touch_read(x, &tg[goal0]);
        if (goal_cost[0] != lee::kUnreached) touch_read(x, &tg[goal1]);
      }
      if (done) break;
    }
    tail_ = tail;
    tg[goal0] = (lee::Temp)goal_cost[0];  // as the traceback reads them
    tg[goal1] = (lee::Temp)goal_cost[1];
    return done;
  }

  struct Write {
    uint32_t cell;
    Cell value;
  };
  struct Read {  // a shared cell the traceback read, and what it held
    uint32_t cell;
    Cell value;
  };

  // pathFromOtherSide(): the other layer at this point leads down.
  template <class X>
  bool other_side_leads_down(X& x, uint32_t cur, uint32_t other) {
    const int32_t sq = temp(x, other);  // int arithmetic, as Manchester's
    if (sq == lee::kVia || sq == lee::kForcedVia) return false;
    if (!(sq <= temp(x, cur))) return false;
    return temp(x, other - 2) < sq || temp(x, other + 2) < sq || temp(x, other - row_) < sq ||
           temp(x, other + row_) < sq;
  }

  // backtrackFrom(): fills path_ (goal first), writes_, reads_, vias_ and
  // forced_vias_; false if the trace gets stuck or loops (see the top).
  template <class X>
  bool traceback(X& x, const Pair& p) {
    const int64_t x1 = p.src.x, y1 = p.src.y, x2 = p.dst.x, y2 = p.dst.y;
    // Layer 0 prefers x moves, layer 1 y moves: the first two directions.
    const int64_t dx[2][4] = {{-1, 1, 0, 0}, {0, 0, -1, 1}};
    const int64_t dy[2][4] = {{0, 0, -1, 1}, {-1, 1, 0, 0}};
    int z = std::llabs(x2 - x1) > std::llabs(y2 - y1) ? 0 : 1;
    if (temp(x, at(x2, y2, z)) == lee::kUnreached) z = 1 - z;
    int64_t px = x2, py = y2;
    uint32_t cur = at(px, py, z);
    int distsofar = 0;
    Cell via_mark = 0;  // the value this trace gave cur when it arrived by a via
    path_.clear();
    writes_.clear();
    reads_.clear();
    vias_ = forced_vias_ = 0;
    if (++generation_ == 0) {  // wrapped: forget every mark
      std::fill_n(visit_, (size_t)maze_.cells(), 0u);
      generation_ = 1;
    }
    visit_[cur] = generation_;
    path_.push_back(maze_index(cur));
    while (px != x1 || py != y1) {
      bool advanced = false;
      int mind = 0;
      int32_t min_value = 100000;
      const int32_t here = temp(x, cur);
      for (int d = 0; d < 4; ++d) {
        const int32_t t = temp(x, (uint32_t)(cur + 2 * dx[z][d] + dy[z][d] * (int64_t)row_));
        if (t < here && t != lee::kUnreached && t < min_value) {
          min_value = t;
          mind = d;
          advanced = true;
        }
      }
      if (advanced) ++distsofar;
      const Cell g = via_mark != 0 ? via_mark : path_.size() == 1 ? goal_read(x, cur) : laid_read(x, cur);
      const uint32_t other = cur ^ 1;
      const int64_t sx = px - x1, sy = py - y1;
      const bool far = sx * sx + sy * sy >= 16 * 16;  // Manchester: (int)sqrt(...) > 15
      if (other_side_leads_down(x, cur, other) &&
          ((mind > 1 && distsofar > 15 && far) || (!advanced && g != lee::kVia && g != lee::kForcedVia))) {
        const Cell mark = advanced ? lee::kVia : lee::kForcedVia;
        // Manchester overwrites the other side unread; it was passable when
        // the wave entered it (else the route fails: see the top).
        if (temp(x, other) != lee::kUnreached) {
          laid_read(x, other);
        } else {
          const Cell o = shared_read(x, &shared_[other]);
          if (o + 1 >= lee::kOccupied) return false;
          reads_.push_back({other, o});
        }
        touched_.push_back(other);
        temp_[cur] = temp_[other] = (lee::Temp)mark;
        touch_write(x, &temp_[cur]);
        touch_write(x, &temp_[other]);
        writes_.push_back({cur, mark});
        writes_.push_back({other, mark});
        ++vias_;
        if (!advanced) ++forced_vias_;
        distsofar = 0;
        z = 1 - z;
        cur = other;
        via_mark = mark;
      } else {
        if (!advanced) return false;  // Manchester would step west or south blindly
        if (g < lee::kOccupied) writes_.push_back({cur, lee::kTrack});
        px += dx[z][mind];
        py += dy[z][mind];
        cur = at(px, py, z);
        via_mark = 0;
      }
      if (visit_[cur] == generation_) return false;  // a loop
      visit_[cur] = generation_;
      path_.push_back(maze_index(cur));
    }
    return true;
  }

  // The layout of every grid here (lee::Grid): a point's two layers side by
  // side, so that changing layer stays in the cache line.
  uint32_t at(int64_t x, int64_t y, int z) const { return (uint32_t)(2 * (y * maze_.width + x) + z); }
  uint32_t maze_index(uint32_t i) const { return (i & 1) * plane_ + (i >> 1); }

  // A cell the traceback is about to lay, read through the TM (it stays in
  // the read set).  The wave entered it, so it was passable then; taken now
  // means the wave's view was stale (raw, released, privatized): try again.
  template <class X>
  Cell laid_read(X& x, uint32_t cell) {
    const Cell g = shared_read(x, &shared_[cell]);
    if (g + 1 >= lee::kOccupied) x.restart();
    reads_.push_back({cell, g});
    return g;
  }
  // The goal, which the wave takes whatever it holds: it must still hold
  // what the wave saw.
  template <class X>
  Cell goal_read(X& x, uint32_t cell) {
    const Cell g = shared_read(x, &shared_[cell]);
    if (g != goal_seen_[cell & 1]) x.restart();
    reads_.push_back({cell, g});
    return g;
  }

  typename R::Thread th_;
  const RouteRequest& req_;
  const Maze& maze_;
  Cell* shared_;
  WorkQueue& work_;
  std::unique_ptr<PrivateMemory> memory_;
  lee::WorkerBlocks blocks_;
  const uint32_t row_, plane_;  // cells from y to y + 1; points on a layer
  int64_t line_bytes_ = sizeof(Cell);  // a hardware model's line (snapshot())
  lee::Temp* temp_ = nullptr;
  uint32_t* visit_ = nullptr;
  uint32_t generation_ = 0;
  uint32_t* queue_ = nullptr;
  size_t queue_cap_ = 0, tail_ = 0;
  uint32_t* committed_queue_ = nullptr;  // the queue as of the last commit
  size_t committed_cap_ = 0;
  Cell* copy_ = nullptr;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> path_;
  std::vector<Write> writes_;
  std::vector<Read> reads_;
  int64_t vias_ = 0, forced_vias_ = 0;
  Cell goal_seen_[2] = {0, 0};  // the goal's shared value when the wave reached it, per layer
  WorkerResult result_;
};

template <class R, Snapshot S>
void run_workers(R& rt, const RouteRequest& req, Cell* grid, RouteOutcome& out) {
  WorkQueue work;
  run_worker_threads(req.threads, out, [&](int id) {
    Worker<R, S> w(rt, id, req, grid, work);
    w.run();
    return std::move(w.result());
  });
}

}  // namespace lee_detail

// Routes every route of a Lee-TM board (req.maze, req.order from
// lee::work_order) under Lee-TM's rules with runtime R.  Throws
// std::invalid_argument for what the rule set or the runtime cannot do.
template <class R>
RouteOutcome route_lee(const RouteRequest& req) {
  if (req.maze->format != InputFormat::kLee)
    throw std::invalid_argument("--rules lee-tm routes Lee-TM boards only (this input is in STAMP's format)");
  if (req.params.private_access != PrivateAccess::kDirect)
    throw std::invalid_argument("--rules lee-tm takes --private direct only");
  // Its temp grid is reset only where the last wave wrote, which needs the
  // grid to outlive the transaction (see the top of this file).
  if (req.params.private_lifetime != PrivateLifetime::kWorker)
    throw std::invalid_argument("--rules lee-tm takes --private-lifetime worker only (its temp grid outlives the "
                                "route; --rules stamp has the transaction lifetime)");
  R rt(req.tm_options, req.threads);
  check_capabilities(R::kName, rt.capabilities(), req,
                     req.params.snapshot == Snapshot::kPrivatized
                         ? nullptr
                         : "a traceback that finds a cell taken since the wave read it");
  lee::Grid grid(*req.maze);
  RouteOutcome out;
  switch (req.params.snapshot) {
    case Snapshot::kRaw: lee_detail::run_workers<R, Snapshot::kRaw>(rt, req, grid.cells(), out); break;
    case Snapshot::kTracked: lee_detail::run_workers<R, Snapshot::kTracked>(rt, req, grid.cells(), out); break;
    case Snapshot::kReleased: lee_detail::run_workers<R, Snapshot::kReleased>(rt, req, grid.cells(), out); break;
    case Snapshot::kPrivatized:
      lee_detail::run_workers<R, Snapshot::kPrivatized>(rt, req, grid.cells(), out);
      break;
  }
  out.tm_config = rt.describe();
  out.private_predicate = private_predicate_in_effect(req, rt.capabilities());
  out.final_grid = grid.in_maze_order();
  return out;
}

}  // namespace lb
