// A Lee-TM board whose wave queues more entries than the queue's initial
// capacity (twice the grid's cells), so lee_router.hpp's queue must grow
// inside the routing transaction.  Re-queueing needs a path that is cheaper
// but slower (more wave levels) than another: here a serpentine of cost-1
// cells (pad walls hanging alternately from the top and standing on a pad
// row, spaced so that no serpentine cell touches a pad) takes about 1.75
// steps per column, while the row under the pad row costs 2 a step (every
// cell of it touches a pad) and takes one.  Doors in the pad row under the
// hanging walls let the serpentine into that row, and each door it reaches
// improves every cell of the row beyond it once more: queue entries grow
// with the square of the board's width (12 periods: 101 x 9, about 1.5x the
// capacity; the test checks the queue grew).
// Route 1 (the shortest, so first) floods the whole board towards a goal
// walled in by pads and fails; route 2 then is laid across it from the
// queue that grew.
#pragma once
#include <set>
#include <string>
#include <utility>

namespace lb_test {

inline std::string lee_queue_growth_board() {
  constexpr int kPeriods = 12, kSpacing = 4, kHeight = 9;
  constexpr int kTopTip = 2, kStandTip = 3, kPadRow = 6;  // rows; the slow row is 7, the ring 0 and 8
  const int width = 2 + 2 * kSpacing * kPeriods + 3;
  std::set<std::pair<int, int>> pads;
  for (int x = 1; x < width - 1; ++x) pads.insert({x, kPadRow});
  bool hanging = true;
  for (int x = kSpacing; x < width - 3; x += kSpacing, hanging = !hanging) {
    if (hanging) {
      for (int y = 1; y <= kTopTip; ++y) pads.insert({x, y});
      pads.erase({x, kPadRow});  // a door under the hanging wall
    } else {
      for (int y = kStandTip; y <= kPadRow; ++y) pads.insert({x, y});
    }
  }
  pads.insert({2, 7});  // walls in route 1's goal (1, 7) with the pad row and the ring
  std::string text = "B " + std::to_string(width) + " " + std::to_string(kHeight) + "\n";
  for (auto [x, y] : pads) text += "P " + std::to_string(x) + " " + std::to_string(y) + "\n";
  text += "J 2 4 1 7\n";  // route 1: floods, fails
  text += "J 2 1 " + std::to_string(width - 3) + " 4\n";  // route 2: laid
  return text + "E\n";
}

}  // namespace lb_test
