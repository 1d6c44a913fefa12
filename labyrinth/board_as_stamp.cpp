#include "labyrinth/board.hpp"

#include <unordered_set>

namespace lb {

// See board.hpp and BOARDS.md for the mapping and why.
Maze board_as_stamp(const Maze& board) {
  Maze m;
  m.width = board.width;
  m.height = board.height;
  m.depth = board.depth;
  m.pairs = board.pairs;  // endpoints on layer 0 (z = 0 already)
  std::unordered_set<int64_t> endpoints, walls;
  for (const Pair& p : board.pairs) {
    endpoints.insert(m.index(p.src));
    endpoints.insert(m.index(p.dst));
  }
  auto wall = [&](int64_t x, int64_t y, int64_t z) {
    Coord c{x, y, z};
    int64_t i = m.index(c);
    if (!endpoints.count(i) && walls.insert(i).second) m.walls.push_back(c);
  };
  for (int64_t z = 0; z < m.depth; ++z) {
    for (int64_t x = 0; x < m.width; ++x) {
      wall(x, 0, z);
      wall(x, m.height - 1, z);
    }
    for (int64_t y = 1; y + 1 < m.height; ++y) {
      wall(0, y, z);
      wall(m.width - 1, y, z);
    }
    for (const Coord& p : board.pads) wall(p.x, p.y, z);
    for (const Chip& c : board.chips)
      for (int64_t x = c.x0; x <= c.x1; ++x)
        for (int64_t y = c.y0; y <= c.y1; ++y) wall(x, y, z);
  }
  return m;
}

}  // namespace lb
