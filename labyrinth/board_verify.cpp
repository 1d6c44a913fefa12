#include <string>

#include "labyrinth/board.hpp"
#include "labyrinth/lee_rules.hpp"

namespace lb {
namespace {

constexpr size_t kMaxProblemsKept = 20;
constexpr int64_t kFree = -1, kBlocked = -2;  // else: the number of the route that owns it

class BoardChecker {
 public:
  explicit BoardChecker(const Maze& b) : b_(b), owner_(b.cells(), kFree), laid_(b.cells(), 0) {
    for (int64_t z = 0; z < b.depth; ++z) {
      for (const Coord& p : b.pads) owner_[b.index({p.x, p.y, z})] = kBlocked;
      for (const Chip& c : b.chips)
        for (int64_t x = c.x0; x <= c.x1; ++x)
          for (int64_t y = c.y0; y <= c.y1; ++y) owner_[b.index({x, y, z})] = kBlocked;
    }
    routed_.assign(b.pairs.size(), 0);
  }

  void problem(const std::string& what) {
    report_.ok = false;
    if (report_.problems.size() < kMaxProblemsKept) report_.problems.push_back(what);
    ++report_.problem_count;
  }

  std::string where(int64_t i) const {
    Coord c = b_.coord(i);
    return "(" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", layer " + std::to_string(c.z) + ")";
  }

  void check(const RoutedPath& path, int64_t number) {
    std::string name = "route " + std::to_string(number);
    if (path.pair >= b_.pairs.size()) return problem(name + " names route " + std::to_string(path.pair) + ", which does not exist");
    const Pair& pair = b_.pairs[path.pair];
    name += " (line " + std::to_string(pair.line) + ")";
    if (routed_[path.pair]++ > 0) return problem(name + " is laid twice");
    const auto& cells = path.cells;
    if (cells.size() < 2) return problem(name + " has " + std::to_string(cells.size()) + " cell(s)");
    for (uint32_t c : cells)
      if ((int64_t)c >= b_.cells()) return problem(name + " leaves the grid (index " + std::to_string(c) + ")");
    auto at = [&](uint32_t c, const Coord& p) {
      Coord q = b_.coord(c);
      return q.x == p.x && q.y == p.y;
    };
    bool forward = at(cells.front(), pair.dst) && at(cells.back(), pair.src);
    bool backward = at(cells.front(), pair.src) && at(cells.back(), pair.dst);
    if (!forward && !backward)
      return problem(name + " runs " + where(cells.front()) + " to " + where(cells.back()) + ", not between its endpoints");
    for (size_t i = 1; i < cells.size(); ++i) {
      Coord a = b_.coord(cells[i - 1]), c = b_.coord(cells[i]);
      int64_t planar = std::abs(a.x - c.x) + std::abs(a.y - c.y);
      bool ok = (planar == 1 && a.z == c.z) || (planar == 0 && a.z != c.z);
      if (!ok) return problem(name + " jumps from " + where(cells[i - 1]) + " to " + where(cells[i]));
    }
    for (uint32_t c : cells) {
      Coord q = b_.coord(c);
      if (q.x == 0 || q.y == 0 || q.x == b_.width - 1 || q.y == b_.height - 1)
        return problem(name + " runs on the outer ring at " + where(c));
      bool own_end = at(c, pair.src) || at(c, pair.dst);
      int64_t& o = owner_[c];
      if (o == kBlocked) {
        if (own_end) continue;  // its own pad
        return problem(name + " crosses a pad or chip that is not its own at " + where(c));
      }
      if (o != kFree) return problem(name + " shares " + where(c) + " with route " + std::to_string(o));
      o = number;
    }
    // What the grid must hold: every cell but the last one (the start, never
    // marked), pads excluded; a layer change marks both its cells as a via.
    for (size_t i = 0; i + 1 < cells.size(); ++i) {
      if (owner_[cells[i]] == kBlocked) continue;
      bool via = (i + 1 < cells.size() && b_.coord(cells[i]).z != b_.coord(cells[i + 1]).z) ||
                 (i > 0 && b_.coord(cells[i]).z != b_.coord(cells[i - 1]).z);
      laid_[cells[i]] = via ? 2 : 1;
    }
  }

  void check_grid(const std::vector<int64_t>& grid) {
    if ((int64_t)grid.size() != b_.cells()) return problem("the final grid has the wrong size");
    for (int64_t i = 0; i < b_.cells(); ++i) {
      int64_t v = grid[i];
      bool marked = v > lee::kOccupied;
      if (laid_[i] == 0 && marked)
        return problem("the final grid holds " + std::to_string(v) + " at " + where(i) + ", which no laid route uses");
      if (laid_[i] == 1 && v != lee::kTrack)
        return problem("the final grid holds " + std::to_string(v) + " at " + where(i) + ", where a route lays a track");
      if (laid_[i] == 2 && v != lee::kVia && v != lee::kForcedVia)
        return problem("the final grid holds " + std::to_string(v) + " at " + where(i) + ", where a route has a via");
    }
  }

  bool ok() const { return report_.ok; }
  VerifyReport take() { return std::move(report_); }

 private:
  const Maze& b_;
  std::vector<int64_t> owner_;
  std::vector<uint8_t> laid_;  // 0 nothing, 1 track, 2 via
  std::vector<int> routed_;
  VerifyReport report_;
};

}  // namespace

VerifyReport verify_board(const Maze& board, const std::vector<const RoutedPath*>& paths,
                          const std::vector<int64_t>* final_grid) {
  BoardChecker c(board);
  int64_t number = 0;
  for (const RoutedPath* p : paths) c.check(*p, ++number);
  if (final_grid != nullptr && c.ok()) c.check_grid(*final_grid);
  return c.take();
}

}  // namespace lb
