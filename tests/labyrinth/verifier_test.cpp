// The verifier rejects each kind of broken result, and accepts a good one.
#include <gtest/gtest.h>

#include "labyrinth/grid.hpp"
#include "labyrinth/verify.hpp"

namespace {

// 5 x 3 x 1 grid; pair 0 joins (0,0) and (4,0); pair 1 joins (0,2) and (4,2);
// a wall at (2,1).
lb::Maze maze() {
  return lb::parse_maze("d 5 3 1\np 0 0 0 4 0 0\np 0 2 0 4 2 0\nw 2 1 0\n", "in.txt");
}

uint32_t at(int x, int y) { return (uint32_t)(y * 5 + x); }

lb::RoutedPath row_path(uint32_t pair, int y) {
  lb::RoutedPath p{pair, {}};
  for (int x = 4; x >= 0; --x) p.cells.push_back(at(x, y));  // destination first
  return p;
}

lb::VerifyReport check(const std::vector<lb::RoutedPath>& paths) {
  std::vector<const lb::RoutedPath*> ptrs;
  for (const auto& p : paths) ptrs.push_back(&p);
  return lb::verify_paths(maze(), ptrs);
}

void expect_rejected(const std::vector<lb::RoutedPath>& paths, const std::string& needle) {
  lb::VerifyReport r = check(paths);
  ASSERT_FALSE(r.ok);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_NE(r.problems[0].find(needle), std::string::npos) << r.problems[0];
}

TEST(Verifier, AcceptsGoodPaths) { EXPECT_TRUE(check({row_path(0, 0), row_path(1, 2)}).ok); }

TEST(Verifier, RejectsGapInTheMiddle) {
  auto p = row_path(0, 0);
  p.cells.erase(p.cells.begin() + 2);
  expect_rejected({p}, "jumps from");
}

TEST(Verifier, RejectsGapInTheLastHop) {
  // STAMP's checker never looks at the last hop.
  lb::RoutedPath p{0, {at(4, 0), at(3, 0), at(2, 0), at(0, 0)}};  // (1,0) left out
  expect_rejected({p}, "jumps from (2, 0, 0) to (0, 0, 0) (hop 3 of 3)");
}

TEST(Verifier, RejectsPathJoiningTheWrongEndpoints) {
  lb::RoutedPath p = row_path(1, 0);  // pair 1's path drawn on pair 0's row
  expect_rejected({p}, "but its pair joins");
}

TEST(Verifier, RejectsSharedCell) {
  lb::RoutedPath a = row_path(0, 0);
  // Pair 1 detours through (1,0), which pair 0 already uses.
  lb::RoutedPath b{1, {at(4, 2), at(3, 2), at(3, 1), at(3, 0), at(2, 0), at(1, 0), at(1, 1), at(0, 1), at(0, 2)}};
  expect_rejected({a, b}, "shares (3, 0, 0) with path 1");
}

TEST(Verifier, RejectsPathThroughWall) {
  lb::RoutedPath p{0, {at(4, 0), at(3, 0), at(3, 1), at(2, 1), at(1, 1), at(1, 0), at(0, 0)}};
  expect_rejected({p}, "through the wall at (2, 1, 0)");
}

TEST(Verifier, RejectsPathThroughAnotherPairsEndpoint) {
  lb::RoutedPath p{0, {at(4, 0), at(4, 1), at(4, 2), at(3, 2), at(3, 1), at(3, 0), at(2, 0), at(1, 0), at(0, 0)}};
  expect_rejected({p}, "another pair's endpoint at (4, 2, 0)");
}

TEST(Verifier, RejectsPairRoutedTwice) { expect_rejected({row_path(0, 0), row_path(0, 0)}, "already routed"); }

TEST(Verifier, RejectsPathLeavingTheGrid) {
  lb::RoutedPath p = row_path(0, 0);
  p.cells[2] = 999;
  expect_rejected({p}, "leaves the grid");
}

TEST(Verifier, RejectsUnknownPair) { expect_rejected({row_path(7, 0)}, "does not exist"); }

TEST(Verifier, RejectsOnePointPath) { expect_rejected({lb::RoutedPath{0, {at(4, 0)}}}, "1 point(s)"); }

TEST(Verifier, RejectsFinalGridThatDisagreesWithPaths) {
  lb::Maze m = maze();
  lb::RoutedPath p = row_path(0, 0);
  std::vector<int64_t> grid(m.cells(), lb::kEmpty);
  for (uint32_t c : p.cells) grid[c] = lb::kFull;
  grid[at(0, 2)] = grid[at(4, 2)] = grid[at(2, 1)] = lb::kFull;
  EXPECT_TRUE(lb::verify_paths(m, {&p}, &grid).ok);
  grid[at(3, 1)] = lb::kFull;  // a claim no path accounts for
  lb::VerifyReport r = lb::verify_paths(m, {&p}, &grid);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.problems[0].find("final shared grid at (3, 1, 0)"), std::string::npos) << r.problems[0];
}

}  // namespace
