#include "labyrinth/verify.hpp"

#include <cstdio>
#include <cstdlib>

#include "labyrinth/grid.hpp"

namespace lb {
namespace {

constexpr size_t kMaxProblemsKept = 20;

std::string where(const Maze& m, int64_t index) {
  Coord c = m.coord(index);
  return "(" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", " + std::to_string(c.z) + ")";
}

class Checker {
 public:
  Checker(const Maze& maze) : maze_(maze), owner_(maze.cells(), kFree) {
    for (const Coord& w : maze.walls) owner_[maze.index(w)] = kWall;
    for (const Pair& p : maze.pairs) {
      owner_[maze.index(p.src)] = kEndpoint;
      owner_[maze.index(p.dst)] = kEndpoint;
    }
  }

  void add_problem(const std::string& what) {
    report_.ok = false;
    if (report_.problems.size() < kMaxProblemsKept) report_.problems.push_back(what);
    ++report_.problem_count;
  }

  void check(const RoutedPath& path, int64_t number) {
    std::string name = "path " + std::to_string(number);
    if (path.pair >= maze_.pairs.size()) return add_problem(name + " names pair " + std::to_string(path.pair) + ", which does not exist");
    const Pair& pair = maze_.pairs[path.pair];
    name += " (pair at line " + std::to_string(pair.line) + ")";
    if (routed_.empty()) routed_.assign(maze_.pairs.size(), 0);
    if (routed_[path.pair]++ > 0) return add_problem(name + " routes a pair that is already routed");
    const auto& cells = path.cells;
    if (cells.size() < 2) return add_problem(name + " has " + std::to_string(cells.size()) + " point(s)");
    for (uint32_t c : cells)
      if ((int64_t)c >= maze_.cells()) return add_problem(name + " leaves the grid (index " + std::to_string(c) + ")");
    int64_t first = cells.front(), last = cells.back();
    int64_t src = maze_.index(pair.src), dst = maze_.index(pair.dst);
    if (!((first == dst && last == src) || (first == src && last == dst)))
      return add_problem(name + " runs " + where(maze_, first) + " to " + where(maze_, last) +
                         " but its pair joins " + where(maze_, src) + " and " + where(maze_, dst));
    for (size_t i = 1; i < cells.size(); ++i) {
      Coord a = maze_.coord(cells[i - 1]), b = maze_.coord(cells[i]);
      int64_t d = std::abs(a.x - b.x) + std::abs(a.y - b.y) + std::abs(a.z - b.z);
      if (d != 1)
        return add_problem(name + " jumps from " + where(maze_, cells[i - 1]) + " to " + where(maze_, cells[i]) +
                           " (hop " + std::to_string(i) + " of " + std::to_string(cells.size() - 1) + ")");
    }
    for (size_t i = 1; i + 1 < cells.size(); ++i) {
      int64_t& o = owner_[cells[i]];
      if (o == kWall) return add_problem(name + " runs through the wall at " + where(maze_, cells[i]));
      if (o == kEndpoint) return add_problem(name + " runs through another pair's endpoint at " + where(maze_, cells[i]));
      if (o != kFree)
        return add_problem(name + " shares " + where(maze_, cells[i]) + " with path " + std::to_string(o));
      o = number;
    }
  }

  void check_grid(const std::vector<int64_t>& grid) {
    if ((int64_t)grid.size() != maze_.cells()) return add_problem("the final grid has the wrong size");
    for (int64_t i = 0; i < maze_.cells(); ++i) {
      bool should_be_full = owner_[i] != kFree;
      if (grid[i] != (should_be_full ? kFull : kEmpty))
        return add_problem("the final shared grid at " + where(maze_, i) + " is " + std::to_string(grid[i]) +
                           ", expected " + (should_be_full ? "FULL" : "EMPTY") + " from the routed paths");
    }
  }

  bool ok() const { return report_.ok; }
  const std::vector<int64_t>& owners() const { return owner_; }
  VerifyReport take() { return std::move(report_); }

  static constexpr int64_t kFree = -1, kWall = -2, kEndpoint = 0;

 private:
  const Maze& maze_;
  std::vector<int64_t> owner_;  // kFree, kWall, kEndpoint or the number of the path
  std::vector<int> routed_;
  VerifyReport report_;
};

}  // namespace

VerifyReport verify_paths(const Maze& maze, const std::vector<const RoutedPath*>& paths,
                          const std::vector<int64_t>* final_grid) {
  Checker c(maze);
  int64_t number = 0;
  for (const RoutedPath* p : paths) c.check(*p, ++number);
  if (final_grid != nullptr && c.ok()) c.check_grid(*final_grid);
  return c.take();
}

std::string routed_maze_text(const Maze& maze, const std::vector<const RoutedPath*>& paths) {
  Checker c(maze);
  int64_t number = 0;
  for (const RoutedPath* p : paths) c.check(*p, ++number);
  const auto& owner = c.owners();
  std::string out = "\nRouted Maze:\n";
  char cell[24];
  for (int64_t z = 0; z < maze.depth; ++z) {
    out += "[z = " + std::to_string(z) + "]\n";
    for (int64_t x = 0; x < maze.width; ++x) {
      for (int64_t y = 0; y < maze.height; ++y) {
        std::snprintf(cell, sizeof cell, "%4lld", (long long)owner[maze.index({x, y, z})]);
        out += cell;
      }
      out += '\n';
    }
    out += '\n';
  }
  return out;
}

}  // namespace lb
