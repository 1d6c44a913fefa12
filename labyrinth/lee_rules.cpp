#include "labyrinth/lee_rules.hpp"

#include <algorithm>
#include <new>
#include <numeric>

namespace lb::lee {

std::vector<uint32_t> work_order(const Maze& maze) {
  std::vector<int64_t> length(maze.pairs.size());
  for (size_t i = 0; i < maze.pairs.size(); ++i) {
    const Pair& p = maze.pairs[i];
    int64_t dx = p.dst.x - p.src.x, dy = p.dst.y - p.src.y;
    length[i] = dx * dx + dy * dy;
  }
  // Reverse file order first, then a stable sort: Manchester's list.
  std::vector<uint32_t> order(maze.pairs.size());
  std::iota(order.rbegin(), order.rend(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return length[a] < length[b]; });
  return order;
}

Grid::Grid(const Maze& maze) : size_(maze.cells()) {
  size_t bytes = ((size_t)size_ * sizeof(Cell) + 63) / 64 * 64;
  cells_.reset(static_cast<Cell*>(std::aligned_alloc(64, std::max<size_t>(bytes, 64))));
  if (!cells_) throw std::bad_alloc();
  Cell* g = cells_.get();
  std::fill_n(g, size_, kEmpty);
  const int64_t w = maze.width;
  auto at = [w](int64_t x, int64_t y, int64_t z) { return 2 * (y * w + x) + z; };
  auto occupy = [&](int64_t x, int64_t y) {
    for (int64_t z = 0; z < 2; ++z) g[at(x, y, z)] = kOccupied;
  };
  for (const Coord& p : maze.pads) occupy(p.x, p.y);
  for (const Chip& c : maze.chips)
    for (int64_t x = c.x0; x <= c.x1; ++x)
      for (int64_t y = c.y0; y <= c.y1; ++y) occupy(x, y);
  // addweights with Manchester's MAX_WEIGHT of 1: the empty neighbours of an
  // occupied cell (its own layer) become 1.  (Its second case, spreading
  // weight - 1 from a weighted cell, writes 0 over 0 when the weight is 1.)
  for (int64_t z = 0; z < 2; ++z)
    for (int64_t y = 1; y < maze.height - 1; ++y)
      for (int64_t x = 1; x < w - 1; ++x) {
        int64_t i = at(x, y, z);
        if (g[i] != kOccupied) continue;
        for (int64_t n : {i + 2 * w, i + 2, i - 2 * w, i - 2})
          if (g[n] == kEmpty) g[n] = 1;
      }
}

std::vector<int64_t> Grid::in_maze_order() const {
  std::vector<int64_t> out((size_t)size_);
  const int64_t points = size_ / 2;
  for (int64_t i = 0; i < size_; ++i) out[(size_t)((i & 1) * points + (i >> 1))] = cells_[i];
  return out;
}

WorkerBlocks worker_blocks(const Maze& maze, bool raw_copy) {
  size_t cells = (size_t)maze.cells();
  return {cells * sizeof(Temp), cells * sizeof(uint32_t), (2 * cells + 2) * sizeof(uint32_t),
          raw_copy ? cells * sizeof(Cell) : 0};
}

}  // namespace lb::lee
