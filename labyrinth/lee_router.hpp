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
//  - raw: a plain copy of the shared grid, as STAMP's STM build takes.
// The traceback reads every cell it lays through the TM; a cell the wave
// could enter but that is taken now means the wave saw a stale grid
// (released or raw), and the attempt restarts.
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
#include <thread>
#include <vector>

#include "labyrinth/lee_rules.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/worker_threads.hpp"

namespace lb {
namespace lee_detail {

using lee::Cell;
using Clock = std::chrono::steady_clock;

template <class R, Snapshot S>
class Worker {
  using Tx = typename R::Tx;

 public:
  Worker(R& rt, int id, const RouteRequest& req, Cell* shared, WorkQueue& work)
      : th_(rt, id), req_(req), maze_(*req.maze), shared_(shared), work_(work),
        memory_(req.private_memory.make()), blocks_(lee::worker_blocks(maze_, S == Snapshot::kRaw)),
        row_((uint32_t)(2 * maze_.width)), plane_((uint32_t)(maze_.width * maze_.height)) {
    if (req.private_memory.filter) th_.set_private(memory_->predicate());
    lbtm::set_own_memory(th_, memory_->predicate());  // abort attribution (tm.hpp, "Own memory")
    const size_t cells = (size_t)maze_.cells();
    temp_ = static_cast<lee::Temp*>(memory_->allocate(blocks_.temp_bytes));
    std::fill_n(temp_, cells, lee::kUnreached);
    visit_ = static_cast<uint32_t*>(memory_->allocate(blocks_.visit_bytes));
    std::fill_n(visit_, cells, 0u);
    queue_cap_ = blocks_.queue_bytes / sizeof(uint32_t);
    queue_ = committed_queue_ = static_cast<uint32_t*>(memory_->allocate(queue_cap_ * sizeof(uint32_t)));
    committed_cap_ = queue_cap_;
    if constexpr (S == Snapshot::kRaw) copy_ = static_cast<Cell*>(memory_->allocate(blocks_.copy_bytes));
    // The outer ring is never written by the wave (Manchester's ok()); indexed by point.
    ring_.assign(plane_, 0);
    for (int64_t y = 0; y < maze_.height; ++y)
      for (int64_t x = 0; x < maze_.width; ++x)
        ring_[(size_t)(y * maze_.width + x)] = x == 0 || y == 0 || x == maze_.width - 1 || y == maze_.height - 1;
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
    const Pair& pair = maze_.pairs[pair_index];
    bool laid = false;
    th_.atomically([&](Tx& tx) {
      laid = false;
      restore_queue();
      reset_temp();
      auto t0 = Clock::now();
      if constexpr (S == Snapshot::kRaw) snapshot();
      auto t1 = Clock::now();
      result_.copy_s += std::chrono::duration<double>(t1 - t0).count();
      bool found = expand(tx, pair);
      found = found && traceback(tx, pair);
      result_.expand_s += std::chrono::duration<double>(Clock::now() - t1).count();
      if (!found) return;  // the route fails; nothing to write
      for (const Write& w : writes_) tx.store(&shared_[w.cell], w.value);
      laid = true;
    });
    committed_queue_ = queue_;  // committed: a queue grown in the attempt is the worker's now
    committed_cap_ = queue_cap_;
    if (laid) {
      result_.paths.push_back({pair_index, path_});
      result_.vias += vias_;
      result_.forced_vias += forced_vias_;
    } else {
      ++result_.failed;
    }
  }

  // The shared grid into the private copy (raw): plain reads, as STAMP's
  // grid_copy(); word by word with relaxed atomics under ThreadSanitizer,
  // so the race it accepts is a declared one.
  void snapshot() {
    const int64_t n = 2 * plane_;
#if defined(__SANITIZE_THREAD__)
    for (int64_t i = 0; i < n; ++i) copy_[i] = __atomic_load_n(&shared_[i], __ATOMIC_RELAXED);
#else
    std::memcpy(copy_, shared_, (size_t)n * sizeof(Cell));
#endif
  }

  // The wave's read of a shared cell, as the shape says.
  Cell read(Tx& tx, uint32_t i) {
    if constexpr (S == Snapshot::kRaw) {
      (void)tx;
      return copy_[i];
    } else {
      Cell v = tx.load(&shared_[i]);
      if constexpr (S == Snapshot::kReleased) tx.release(&shared_[i], sizeof(Cell));
      return v;
    }
  }

  // The queue says which cells expand next: fetch the rows above and below
  // one a few entries ahead (its own row is the line just used).  Integer
  // arithmetic: at the grid's ends these addresses lie outside it, which a
  // prefetch tolerates and a pointer must not.
  static constexpr size_t kPrefetchAhead = 32;
  void prefetch(uint32_t i) const {
    const uintptr_t t = (uintptr_t)temp_ + (uintptr_t)i * sizeof(lee::Temp), dt = row_ * sizeof(lee::Temp);
    const uintptr_t g = (uintptr_t)shared_ + (uintptr_t)i * sizeof(Cell), dg = row_ * sizeof(Cell);
    __builtin_prefetch((const void*)(t + dt), 1);
    __builtin_prefetch((const void*)(t - dt), 1);
    __builtin_prefetch((const void*)(g + dg), 0);
    __builtin_prefetch((const void*)(g - dg), 0);
  }

  void push(Tx& tx, uint32_t i) {
    if (tail_ == queue_cap_) grow_queue(tx);
    queue_[tail_++] = i;
  }
  // Rare: more re-queueings than twice the cells.  Inside the routing
  // transaction, so through the TM's transaction-safe allocation
  // (private_memory.hpp refuses a plain free there): the old queue is freed
  // when the attempt commits, the new one given back if it aborts, and the
  // next attempt starts from the committed queue (restore_queue()).
  void grow_queue(Tx& tx) {
    size_t bigger = queue_cap_ * 2;
    const lbtm::BlockSource& src = memory_->tx_source();
    auto* q = static_cast<uint32_t*>(tx.alloc(bigger * sizeof(uint32_t), src));
    std::memcpy(q, queue_, queue_cap_ * sizeof(uint32_t));
    tx.free(queue_, queue_cap_ * sizeof(uint32_t), src);
    queue_ = q;
    queue_cap_ = bigger;
  }
  // An attempt that grew the queue and aborted gave its queue back, and with
  // it the list of cells reset_temp() clears: clear them all (rare).
  void restore_queue() {
    if (queue_ == committed_queue_) return;
    queue_ = committed_queue_;
    queue_cap_ = committed_cap_;
    std::fill_n(temp_, (size_t)maze_.cells(), lee::kUnreached);
    tail_ = 0;
  }

  // Back to "unreached" wherever the last attempt wrote: every queued cell
  // (the queue keeps all levels), the start and goal, and via marks.
  void reset_temp() {
    for (size_t k = 0; k < tail_; ++k) temp_[queue_[k]] = lee::kUnreached;
    for (uint32_t c : touched_) temp_[c] = lee::kUnreached;
    tail_ = 0;
    touched_.clear();
  }

  // expandFromTo(): true when the goal is reached on both layers.
  bool expand(Tx& tx, const Pair& p) {
    const uint32_t src = at(p.src.x, p.src.y, 0), goal0 = at(p.dst.x, p.dst.y, 0);
    const uint32_t goal1 = goal0 + 1;
    touched_.insert(touched_.end(), {src, src + 1, goal0, goal1});
    temp_[src] = temp_[src + 1] = 1;
    push(tx, src);
    push(tx, src + 1);
    size_t head = 0;
    while (head < tail_) {
      const size_t level_end = tail_;
      while (head < level_end) {
        if (head + kPrefetchAhead < tail_) prefetch(queue_[head + kPrefetchAhead]);
        const uint32_t f = queue_[head++];
        const int32_t v = temp_[f];
        const uint32_t goal = goal0 | (f & 1);
        step(tx, v, f + row_, goal);  // north
        step(tx, v, f + 2, goal);     // east
        step(tx, v, f - row_, goal);  // south
        step(tx, v, f - 2, goal);     // west
        const uint32_t o = f ^ 1;
        if (temp_[o] > v && read(tx, o) + 1 < lee::kOccupied) {  // changing layer costs nothing
          temp_[o] = v;
          push(tx, o);
        }
        if (temp_[goal0] != lee::kUnreached && temp_[goal1] != lee::kUnreached) return true;
      }
    }
    return false;
  }

  // Manchester reads the shared cell first; a cell the wave already reached
  // at v + 1 or less cannot improve (every step costs at least 1), and its
  // shared value was read when it was reached, so skipping the read leaves
  // the result and the read set (as a set) the same, and saves most reads.
  void step(Tx& tx, int32_t v, uint32_t n, uint32_t goal) {
    const bool reached = n == goal;
    if (temp_[n] <= v + 1 && !reached) return;
    const Cell weight = read(tx, n) + 1;
    if (((Cell)temp_[n] > v + weight && weight < lee::kOccupied) || reached) {
      if (ring_[n >> 1]) return;
      temp_[n] = (lee::Temp)(v + weight);
      if (!reached) push(tx, n);
      else goal_seen_[n & 1] = weight - 1;
    }
  }

  struct Write {
    uint32_t cell;
    Cell value;
  };

  // pathFromOtherSide(): the other layer at this point leads down.
  bool other_side_leads_down(uint32_t cur, uint32_t other) const {
    const int32_t sq = temp_[other];  // int arithmetic, as Manchester's
    if (sq == lee::kVia || sq == lee::kForcedVia) return false;
    if (!(sq <= temp_[cur])) return false;
    return temp_[other - 2] < sq || temp_[other + 2] < sq || temp_[other - row_] < sq || temp_[other + row_] < sq;
  }

  // backtrackFrom(): fills path_ (goal first), writes_, vias_ and
  // forced_vias_; false if the trace gets stuck or loops (see the top).
  bool traceback(Tx& tx, const Pair& p) {
    const int64_t x1 = p.src.x, y1 = p.src.y, x2 = p.dst.x, y2 = p.dst.y;
    // Layer 0 prefers x moves, layer 1 y moves: the first two directions.
    const int64_t dx[2][4] = {{-1, 1, 0, 0}, {0, 0, -1, 1}};
    const int64_t dy[2][4] = {{0, 0, -1, 1}, {-1, 1, 0, 0}};
    int z = std::llabs(x2 - x1) > std::llabs(y2 - y1) ? 0 : 1;
    if (temp_[at(x2, y2, z)] == lee::kUnreached) z = 1 - z;
    int64_t x = x2, y = y2;
    uint32_t cur = at(x, y, z);
    int distsofar = 0;
    Cell via_mark = 0;  // the value this trace gave cur when it arrived by a via
    path_.clear();
    writes_.clear();
    vias_ = forced_vias_ = 0;
    if (++generation_ == 0) {  // wrapped: forget every mark
      std::fill_n(visit_, (size_t)maze_.cells(), 0u);
      generation_ = 1;
    }
    visit_[cur] = generation_;
    path_.push_back(maze_index(cur));
    while (x != x1 || y != y1) {
      bool advanced = false;
      int mind = 0;
      int32_t min_value = 100000;
      for (int d = 0; d < 4; ++d) {
        const int32_t t = temp_[cur + 2 * dx[z][d] + dy[z][d] * (int64_t)row_];
        if (t < temp_[cur] && t != lee::kUnreached && t < min_value) {
          min_value = t;
          mind = d;
          advanced = true;
        }
      }
      if (advanced) ++distsofar;
      const Cell g = via_mark != 0 ? via_mark : path_.size() == 1 ? goal_read(tx, cur) : laid_read(tx, cur);
      const uint32_t other = cur ^ 1;
      const int64_t sx = x - x1, sy = y - y1;
      const bool far = sx * sx + sy * sy >= 16 * 16;  // Manchester: (int)sqrt(...) > 15
      if (other_side_leads_down(cur, other) &&
          ((mind > 1 && distsofar > 15 && far) || (!advanced && g != lee::kVia && g != lee::kForcedVia))) {
        const Cell mark = advanced ? lee::kVia : lee::kForcedVia;
        // Manchester overwrites the other side unread; it was passable when
        // the wave entered it (else the route fails: see the top).
        if (temp_[other] != lee::kUnreached) {
          laid_read(tx, other);
        } else if (tx.load(&shared_[other]) + 1 >= lee::kOccupied) {
          return false;
        }
        temp_[cur] = temp_[other] = (lee::Temp)mark;
        touched_.push_back(other);
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
        x += dx[z][mind];
        y += dy[z][mind];
        cur = at(x, y, z);
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
  // means the wave's view was stale (raw, released): try again.
  Cell laid_read(Tx& tx, uint32_t cell) {
    const Cell g = tx.load(&shared_[cell]);
    if (g + 1 >= lee::kOccupied) tx.restart();
    return g;
  }
  // The goal, which the wave takes whatever it holds: it must still hold
  // what the wave saw.
  Cell goal_read(Tx& tx, uint32_t cell) {
    const Cell g = tx.load(&shared_[cell]);
    if (g != goal_seen_[cell & 1]) tx.restart();
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
  lee::Temp* temp_ = nullptr;
  uint32_t* visit_ = nullptr;
  uint32_t generation_ = 0;
  uint32_t* queue_ = nullptr;
  size_t queue_cap_ = 0, tail_ = 0;
  uint32_t* committed_queue_ = nullptr;  // the queue as of the last commit
  size_t committed_cap_ = 0;
  Cell* copy_ = nullptr;
  std::vector<uint8_t> ring_;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> path_;
  std::vector<Write> writes_;
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
// std::invalid_argument for what the rule set cannot do.
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
  lee::Grid grid(*req.maze);
  RouteOutcome out;
  switch (req.params.snapshot) {
    case Snapshot::kRaw: lee_detail::run_workers<R, Snapshot::kRaw>(rt, req, grid.cells(), out); break;
    case Snapshot::kTracked: lee_detail::run_workers<R, Snapshot::kTracked>(rt, req, grid.cells(), out); break;
    case Snapshot::kReleased: lee_detail::run_workers<R, Snapshot::kReleased>(rt, req, grid.cells(), out); break;
    case Snapshot::kPrivatized:
      throw std::invalid_argument("--rules lee-tm has no privatized shape (STAMP's rules have: --rules stamp)");
  }
  out.tm_config = rt.describe();
  out.final_grid = grid.in_maze_order();
  return out;
}

}  // namespace lb
