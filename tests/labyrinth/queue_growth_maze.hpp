// A maze whose expansion queues more entries than the grid has cells, so the
// router's queue must grow inside the routing transaction: three planes of
// serpentine walls (the middle one turning the other way), the destination
// walled in so that the wave explores everything, and a z cost of 1000 at
// which cells first reached through few expensive z moves are reached again,
// cheaper, through many cheap x/y moves: re-queued.  16 x 16 x 3; route it
// with params.z_cost = kQueueGrowthZCost (labyrinth -z 1000).
#pragma once
#include <set>
#include <string>
#include <tuple>

namespace lb_test {

inline constexpr int64_t kQueueGrowthZCost = 1000;

inline std::string queue_growth_maze() {
  constexpr int kSide = 16, kDepth = 3;
  std::set<std::tuple<int, int, int>> walls;
  for (int z = 0; z < kDepth; ++z)
    for (int y = 1; y < kSide; y += 2) {
      bool right = ((y / 2) % 2 == 0) != (z == 2);  // where this wall row leaves its gap
      for (int x = 0; x < kSide; ++x)
        if (x != (right ? kSide - 1 : 0)) walls.insert({x, y, z});
    }
  const std::tuple<int, int, int> src{0, 0, 0}, dst{7, 7, 2};
  for (auto w : {std::tuple{6, 7, 2}, std::tuple{8, 7, 2}, std::tuple{7, 6, 2}, std::tuple{7, 8, 2},
                 std::tuple{7, 7, 1}})
    walls.insert(w);
  walls.erase(src);
  walls.erase(dst);
  std::string text = "d 16 16 3\np 0 0 0 7 7 2\n";
  for (auto [x, y, z] : walls)
    text += "w " + std::to_string(x) + " " + std::to_string(y) + " " + std::to_string(z) + "\n";
  return text;
}

}  // namespace lb_test
