// Grid cells and the two layouts the router uses.
//
// Cells are 8 bytes (STAMP's `long`), so memory footprint and traffic stay
// comparable with STAMP.  The shared grid has STAMP's layout.  A worker's
// private grid adds one FULL cell after every row and one FULL row after
// every plane: expansion then never needs a bounds check in x or y, nor a
// division to recover coordinates (STAMP pays two divisions and six bounds
// checks per expanded cell); z is checked against plane boundaries.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "labyrinth/maze.hpp"

namespace lb {

using Cell = int64_t;
constexpr Cell kEmpty = -1;  // STAMP's GRID_POINT_EMPTY
constexpr Cell kFull = -2;   // STAMP's GRID_POINT_FULL

// STAMP's grid, shared by all workers: walls and every pair's endpoints are
// FULL, claimed paths become FULL.  Aligned to a cache line, as STAMP's is,
// so that early release works a line at a time.
class SharedGrid {
 public:
  explicit SharedGrid(const Maze& maze);
  Cell* cells() { return cells_.get(); }
  const Cell* cells() const { return cells_.get(); }
  int64_t size() const { return size_; }

 private:
  struct Free {
    void operator()(Cell* p) const { std::free(p); }
  };
  std::unique_ptr<Cell[], Free> cells_;
  int64_t size_;
};

// Index arithmetic of the padded private grid.
struct PaddedLayout {
  explicit PaddedLayout(const Maze& m)
      : width(m.width), height(m.height), depth(m.depth),
        row(m.width + 1), plane((m.width + 1) * (m.height + 1)), base(m.width + 1),
        size(base + m.depth * plane) {}

  int64_t width, height, depth;
  int64_t row;    // cells from (x, y, z) to (x, y+1, z)
  int64_t plane;  // cells from (x, y, z) to (x, y, z+1)
  int64_t base;   // a leading pad row, so that y-1 of plane 0 stays in bounds
  int64_t size;   // cells to allocate

  uint32_t at(int64_t x, int64_t y, int64_t z) const { return (uint32_t)(base + z * plane + y * row + x); }
  uint32_t at(const Coord& c) const { return at(c.x, c.y, c.z); }
  int64_t shared_index(int64_t x, int64_t y, int64_t z) const { return (z * height + y) * width + x; }
  // The first index whose z+1 neighbour is outside the grid.
  uint32_t last_plane_start() const { return (uint32_t)(base + (depth - 1) * plane); }
  uint32_t second_plane_start() const { return (uint32_t)(base + plane); }
};

// The blocks a worker takes from its private memory: the padded grid, the
// expansion queue (entries of `queue_entry_bytes`; it grows only if a wave
// queues more entries than the grid has cells) and the traceback buffer (a
// path never visits a cell twice).  One definition for the router, which
// allocates them, and for whoever sizes private memory ahead of a run.
struct WorkerBlocks {
  size_t grid_bytes, queue_bytes, trace_bytes;
};
inline WorkerBlocks worker_blocks(const Maze& maze, size_t queue_entry_bytes) {
  PaddedLayout layout(maze);
  return {(size_t)layout.size * sizeof(Cell), ((size_t)layout.size + 1) * queue_entry_bytes,
          (size_t)maze.cells() * sizeof(uint32_t)};
}

}  // namespace lb
