// Lee-TM's rule set (--rules lee-tm): Manchester's cell values, its board
// set-up and its work order, as ../shared/inputs/lee-tm/README.md describes
// them (facts read in Manchester's Java Lee-TM, lee-cg-v1.0).  The router
// itself is lee_router.hpp.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "labyrinth/maze.hpp"

namespace lb::lee {

// Shared-grid cells are machine words: the TM runtimes work in words.
using Cell = int64_t;
constexpr Cell kEmpty = 0;
constexpr Cell kOccupied = 5120;  // pads and chips; also the cost no step may reach
constexpr Cell kVia = 6000;
constexpr Cell kForcedVia = 6001;
constexpr Cell kTrack = 8192;
// The private wave's "not reached yet" (Manchester's TEMP_EMPTY).
constexpr int32_t kUnreached = 10000;
// A temp-grid cell.  16 bits hold every value Manchester's wave writes: a
// cell is entered only at a cost below kUnreached, the goal at most that
// plus the largest shared value + 1 (8193), vias are marked 6000 and 6001;
// half the bytes of an int keep the temp grid in a core's L2 cache.
using Temp = int16_t;
static_assert(kUnreached + kTrack + 1 < INT16_MAX);

// The order Lee-TM lays routes in: shortest first by squared length; among
// equal lengths, later file lines first (Manchester pushes each route at the
// head of a list, then bubble-sorts it, which is stable).  Indices into
// maze.pairs.
std::vector<uint32_t> work_order(const Maze& maze);

// The shared grid before routing: pads and chips occupied on both layers,
// then Manchester's addweights: every empty cell next to an occupied one on
// the same layer costs one more.  A point's two layers are side by side
// (index 2 (y w + x) + z): the wave reads both, and then they share a line.
class Grid {
 public:
  explicit Grid(const Maze& maze);
  Cell* cells() { return cells_.get(); }
  const Cell* cells() const { return cells_.get(); }
  int64_t size() const { return size_; }
  // The cells in Maze::index order (plane by plane), as the verifier reads them.
  std::vector<int64_t> in_maze_order() const;

 private:
  struct Free {
    void operator()(Cell* p) const { std::free(p); }
  };
  std::unique_ptr<Cell[], Free> cells_;
  int64_t size_;
};

// What a worker takes from its private memory: the temp grid, the trace's
// visit marks, the wave's queue (it grows only if a wave queues more than
// twice the cells) and, for the raw shape, the copy of the shared grid.
struct WorkerBlocks {
  size_t temp_bytes, visit_bytes, queue_bytes, copy_bytes;
};
WorkerBlocks worker_blocks(const Maze& maze, bool raw_copy);

}  // namespace lb::lee
