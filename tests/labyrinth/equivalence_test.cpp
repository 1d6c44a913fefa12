// A single-threaded run routes exactly STAMP's paths: same count, same total
// points, same path hash as STAMP's C Labyrinth (../shared/reference/).
#include <gtest/gtest.h>

#include "labyrinth/generator.hpp"
#include "route_helpers.hpp"
#include "stamp_shared.hpp"

namespace {

TEST(StampEquivalence, SequentialRunMatchesStampReference) {
  auto rows = lb_test::reference_rows();
  if (rows.empty()) GTEST_SKIP() << "no reference results under " << lb_test::shared_dir();
  for (const auto& row : rows) {
    auto path = lb_test::shared_dir() / "inputs" / "stamp" / (row.input + ".txt");
    if (!std::filesystem::exists(path)) {
      ADD_FAILURE() << "reference names " << row.input << " but " << path << " is missing";
      continue;
    }
    lb::Maze maze = lb::read_maze_file(path.string());
    EXPECT_EQ((long)maze.pairs.size(), row.paths_to_route) << row.input;
    lb::PathSummary s = lb_test::route_verified(maze, "seq", 1);
    EXPECT_EQ(s.paths_routed, row.paths_routed) << row.input;
    EXPECT_EQ(s.total_points, row.total_points) << row.input;
    EXPECT_EQ(s.hash_hex(), row.path_hash) << row.input;
  }
}

// `lock` on one thread takes the same decisions as `seq`, and so do the
// instrumented and tracked shapes: the shape changes how memory is reached,
// never which paths are found.
TEST(StampEquivalence, ShapesAndLockAgreeWithSeqOnOneThread) {
  lb::Maze maze = lb::parse_maze(lb::generate_input({40, 40, 3, 60, 7}), "generated");
  lb::PathSummary seq = lb_test::route_verified(maze, "seq", 1);
  EXPECT_GT(seq.paths_routed, 0);
  for (auto snapshot : {lb::Snapshot::kRaw, lb::Snapshot::kTracked, lb::Snapshot::kReleased})
    for (auto access : {lb::PrivateAccess::kDirect, lb::PrivateAccess::kInstrumented}) {
      lb::RouterParams p;
      p.snapshot = snapshot;
      p.private_access = access;
      for (const char* tm : {"seq", "lock"}) {
        lb::PathSummary s = lb_test::route_verified(maze, tm, 1, p);
        EXPECT_EQ(s.path_hash, seq.path_hash) << tm << " " << lb::to_string(snapshot) << " " << lb::to_string(access);
        EXPECT_EQ(s.total_points, seq.total_points);
      }
    }
}

}  // namespace
