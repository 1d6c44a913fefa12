// Lee-TM boards after reading: how STAMP's rules see one, and how a board
// routed under Lee-TM's rules is verified (labyrinth/BOARDS.md).
#pragma once
#include <vector>

#include "labyrinth/maze.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/verify.hpp"

namespace lb {

// A board as a STAMP maze, for --rules stamp: the same grid and routes, each
// route's endpoints on layer 0 (STAMP's endpoints are 3-D; a route can still
// change layer at cost z), and walls on the outer ring and on every pad and
// chip cell of both layers, except the layer-0 cells that are route
// endpoints (STAMP's grid makes every endpoint an obstacle to other routes
// anyway).  Pads are thus obstacles except to the routes that end on them.
Maze board_as_stamp(const Maze& board);

// Checks a board routed under Lee-TM's rules, independently of the router:
// each laid route joins its own endpoints (on either layer) in steps of one
// cell or one via (a layer change at the same point); no cell is on the outer
// ring; no cell but its own endpoints is on a pad or chip; no two routes share
// a cell; no route is laid twice.  Given the final grid: every cell a route
// lays (all but its start, and pads excluded) holds a track or a via (a via's
// two cells both), and no other cell does.
// What a routed board reports (Manchester's report plus track cells).
// Under Lee-TM's rules: from the workers' counts and the final grid's cells
// holding a track or a via (a via counts on both layers, pads excluded).
// Under STAMP's rules (`lee_rules` false): vias are the paths' layer changes,
// forced vias 0 (STAMP has none), track cells the paths' cells but their
// endpoints (what STAMP claims).
struct BoardCounts {
  int64_t laid = 0, failed = 0, vias = 0, forced_vias = 0, track_cells = 0;
};
BoardCounts board_counts(const Maze& board, const RouteOutcome& outcome, const std::vector<const RoutedPath*>& paths,
                         bool lee_rules);

VerifyReport verify_board(const Maze& board, const std::vector<const RoutedPath*>& paths,
                          const std::vector<int64_t>* final_grid = nullptr);

}  // namespace lb
