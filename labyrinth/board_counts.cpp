#include <algorithm>

#include "labyrinth/board.hpp"
#include "labyrinth/lee_rules.hpp"

namespace lb {

BoardCounts board_counts(const Maze& board, const RouteOutcome& outcome, const std::vector<const RoutedPath*>& paths,
                         bool lee_rules) {
  BoardCounts c;
  c.laid = (int64_t)paths.size();
  c.failed = (int64_t)board.pairs.size() - c.laid;
  if (lee_rules) {
    for (const WorkerResult& w : outcome.workers) {
      c.vias += w.vias;
      c.forced_vias += w.forced_vias;
    }
    const auto& g = outcome.final_grid;
    c.track_cells = std::count_if(g.begin(), g.end(), [](int64_t v) { return v > lee::kOccupied; });
    return c;
  }
  const int64_t plane = board.width * board.height;
  for (const RoutedPath* p : paths) {
    c.track_cells += std::max<int64_t>(0, (int64_t)p->cells.size() - 2);
    for (size_t i = 1; i < p->cells.size(); ++i)
      if ((int64_t)p->cells[i] / plane != (int64_t)p->cells[i - 1] / plane) ++c.vias;
  }
  return c;
}

}  // namespace lb
