// `lock` with several workers routes a verified result (the verifier checks
// every path, and the final shared grid against the paths).
#include <gtest/gtest.h>

#include "labyrinth/generator.hpp"
#include "route_helpers.hpp"

namespace {

class LockThreads : public ::testing::TestWithParam<int> {};

TEST_P(LockThreads, RoutesAVerifiedResult) {
  // Dense enough that workers contend for the same cells.
  lb::Maze maze = lb::parse_maze(lb::generate_input({48, 48, 3, 120, 3}), "generated");
  for (int rep = 0; rep < 3; ++rep) {
    lb::PathSummary s = lb_test::route_verified(maze, "lock", GetParam());
    EXPECT_GT(s.paths_routed, 60);
  }
  lb::RouterParams p;
  p.snapshot = lb::Snapshot::kReleased;
  p.private_access = lb::PrivateAccess::kInstrumented;
  lb_test::route_verified(maze, "lock", GetParam(), p);
}

INSTANTIATE_TEST_SUITE_P(TwoAndFour, LockThreads, ::testing::Values(2, 4));

TEST(Seq, RefusesMoreThanOneThread) {
  lb::Maze maze = lb::parse_maze("d 4 4 1\np 0 0 0 3 3 0\n", "in.txt");
  EXPECT_THROW(lb_test::route(maze, "seq", 2), std::invalid_argument);
}

TEST(Router, UnroutablePairIsSkippedNotFaked) {
  // The destination (2, 0, 0) is walled in on every side but one, which the
  // other pair's endpoint blocks: no path can exist.
  lb::Maze maze = lb::parse_maze("d 5 2 1\nw 2 1 0\nw 3 0 0\np 0 0 0 2 0 0\np 1 1 0 1 0 0\n", "in.txt");
  lb::RouteOutcome out = lb_test::route(maze, "seq", 1);
  auto paths = lb::all_paths(out);
  EXPECT_TRUE(lb::verify_paths(maze, paths, &out.final_grid).ok);
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0]->pair, 1u);
}

}  // namespace
