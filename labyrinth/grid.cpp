#include "labyrinth/grid.hpp"

#include <algorithm>

namespace lb {

SharedGrid::SharedGrid(const Maze& maze) : size_(maze.cells()) {
  size_t bytes = ((size_t)size_ * sizeof(Cell) + 63) / 64 * 64;
  cells_.reset(static_cast<Cell*>(std::aligned_alloc(64, std::max<size_t>(bytes, 64))));
  if (!cells_) throw std::bad_alloc();
  std::fill_n(cells_.get(), size_, kEmpty);
  for (const Coord& w : maze.walls) cells_[maze.index(w)] = kFull;
  for (const Pair& p : maze.pairs) {
    cells_[maze.index(p.src)] = kFull;
    cells_[maze.index(p.dst)] = kFull;
  }
}

}  // namespace lb
