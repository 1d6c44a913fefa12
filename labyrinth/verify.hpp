// Checks routed paths against the maze, independently of the router.
// Stricter than STAMP's maze_checkPaths(): every hop is checked (the last one
// too), each path must join its own pair's endpoints, no cell is shared, no
// path runs through a wall or another pair's endpoint, and no pair is
// routed twice.  Given the final shared grid, it also checks that exactly the
// walls, the endpoints and the claimed paths are FULL there.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "labyrinth/maze.hpp"
#include "labyrinth/route_types.hpp"

namespace lb {

struct VerifyReport {
  bool ok = true;
  std::vector<std::string> problems;  // the first few, in words
  int64_t problem_count = 0;
};

VerifyReport verify_paths(const Maze& maze, const std::vector<const RoutedPath*>& paths,
                          const std::vector<int64_t>* final_grid = nullptr);

// STAMP's -p output ("Routed Maze:" then each plane; walls -2, endpoints 0,
// path cells the path's number, free cells -1), for main to print.
std::string routed_maze_text(const Maze& maze, const std::vector<const RoutedPath*>& paths);

}  // namespace lb
