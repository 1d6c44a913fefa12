// STAMP's work order.  maze_read() inserts every pair into a list sorted by
// coordinate_comparePair (decreasing distance) and list_insert() puts a new
// element in front of the first element that does not compare less, so among
// equal distances the later input line comes first.  The distance is compared
// as STAMP computes it: the square root, in double.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "labyrinth/maze.hpp"

namespace lb {

std::vector<uint32_t> stamp_work_order(const Maze& maze) {
  std::vector<double> distance(maze.pairs.size());
  for (size_t i = 0; i < maze.pairs.size(); ++i) {
    const Pair& p = maze.pairs[i];
    int64_t dx = p.src.x - p.dst.x, dy = p.src.y - p.dst.y, dz = p.src.z - p.dst.z;
    distance[i] = std::sqrt((double)(dx * dx + dy * dy + dz * dz));
  }
  std::vector<uint32_t> order(maze.pairs.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (distance[a] != distance[b]) return distance[a] > distance[b];
    return a > b;
  });
  return order;
}

}  // namespace lb
