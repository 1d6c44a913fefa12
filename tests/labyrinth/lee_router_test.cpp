// Lee-TM's rules (--rules lee-tm): Manchester's results on the small boards,
// every runtime and shape verified at several thread counts, STAMP's rules
// on a board, and the board verifier's own checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "labyrinth/board.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/lee_runtimes.hpp"
#include "labyrinth/summary.hpp"
#include "tests/labyrinth/route_helpers.hpp"

namespace {

std::string board_path(const std::string& name) {
  return std::string(LB_SHARED_DIR) + "/inputs/lee-tm/" + name + ".txt";
}

#define SKIP_WITHOUT_BOARDS()                                                  \
  if (!std::filesystem::exists(board_path("testBoard")))                      \
  GTEST_SKIP() << "no Lee-TM boards in " << LB_SHARED_DIR << "/inputs/lee-tm"

struct Routed {
  lb::RouteOutcome out;
  lb::BoardCounts counts;
  lb::VerifyReport report;
  lb::PathSummary summary;
};

Routed route_board(const lb::Maze& board, const std::string& tm, int threads, lb::Snapshot shape) {
  lb::RouteRequest req;
  req.maze = &board;
  req.order = lb::lee::work_order(board);
  req.params.snapshot = shape;
  req.threads = threads;
  req.private_memory = lb::malloc_private_memory();
  lb::RouteFn fn = lb::lee_route_fn(tm);
  EXPECT_NE(fn, nullptr) << tm;
  Routed r;
  r.out = fn(req);
  auto paths = lb::all_paths(r.out);
  r.counts = lb::board_counts(board, r.out, paths, true);
  r.report = lb::verify_board(board, paths, &r.out.final_grid);
  r.summary = lb::summarize(paths);
  return r;
}

// itm has no early release: --snapshot released is refused up front, with a
// message that says so.
bool refused(const std::string& tm, lb::Snapshot shape) {
  if (tm != "itm" || shape != lb::Snapshot::kReleased) return false;
  lb::Maze board = lb::parse_board("J 1 1 5 1\nE\n", "b.txt");
  lb::RouteRequest req;
  req.maze = &board;
  req.order = lb::lee::work_order(board);
  req.params.snapshot = shape;
  req.private_memory = lb::malloc_private_memory();
  try {
    lb::lee_route_fn(tm)(req);
    ADD_FAILURE() << "itm ran --snapshot released";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no early release"), std::string::npos) << e.what();
  }
  return true;
}

struct Reference {
  const char* board;
  int64_t laid, failed, vias, forced, track_cells;
};
// ../shared/inputs/lee-tm/README.md: Manchester's original on one thread.
const Reference kReferences[] = {
    {"sparselong", 29, 0, 0, 0, 16791},
    {"sparseshort", 841, 0, 0, 0, 8410},
    {"testBoard", 199, 4, 95, 89, 2649},
};

const lb::Snapshot kShapes[] = {lb::Snapshot::kTracked, lb::Snapshot::kReleased, lb::Snapshot::kRaw,
                                lb::Snapshot::kPrivatized};

TEST(LeeRules, ManchesterResultsOnTheSmallBoardsEveryShape) {
  SKIP_WITHOUT_BOARDS();
  for (const Reference& ref : kReferences) {
    lb::Maze board = lb::read_input_file(board_path(ref.board));
    for (lb::Snapshot shape : kShapes) {
      Routed r = route_board(board, "seq", 1, shape);
      std::string what = std::string(ref.board) + " " + lb::to_string(shape);
      EXPECT_TRUE(r.report.ok) << what << ": " << (r.report.problems.empty() ? "" : r.report.problems[0]);
      EXPECT_EQ(r.counts.laid, ref.laid) << what;
      EXPECT_EQ(r.counts.failed, ref.failed) << what;
      EXPECT_EQ(r.counts.vias, ref.vias) << what;
      EXPECT_EQ(r.counts.forced_vias, ref.forced) << what;
      EXPECT_EQ(r.counts.track_cells, ref.track_cells) << what;
    }
  }
}

// One thread under every runtime is the same run as seq: same paths.
TEST(LeeRules, EveryRuntimeOnOneThreadRoutesAsSeq) {
  SKIP_WITHOUT_BOARDS();
  lb::Maze board = lb::read_input_file(board_path("testBoard"));
  Routed seq = route_board(board, "seq", 1, lb::Snapshot::kTracked);
  for (const char* tm : {"lock", "stm", "tbb", "itm", "htm-model"})
    for (lb::Snapshot shape : kShapes) {
      std::string what = std::string(tm) + " " + lb::to_string(shape);
      if (refused(tm, shape)) continue;
      Routed r = route_board(board, tm, 1, shape);
      EXPECT_TRUE(r.report.ok) << what;
      EXPECT_EQ(r.summary.path_hash, seq.summary.path_hash) << what;
    }
}

// Several threads: results vary from run to run (as in Lee-TM), but every
// run verifies and accounts for every route.
class LeeThreads : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(LeeThreads, VerifiedUnderEveryShape) {
  SKIP_WITHOUT_BOARDS();
  auto [tm, threads] = GetParam();
  lb::Maze board = lb::read_input_file(board_path("testBoard"));
  for (lb::Snapshot shape : kShapes) {
    std::string what = tm + " x" + std::to_string(threads) + " " + lb::to_string(shape);
    if (refused(tm, shape)) continue;
    Routed r = route_board(board, tm, threads, shape);
    EXPECT_TRUE(r.report.ok) << what << ": " << (r.report.problems.empty() ? "" : r.report.problems[0]);
    EXPECT_EQ(r.counts.laid + r.counts.failed, (int64_t)board.pairs.size()) << what;
    EXPECT_GT(r.counts.laid, 190) << what;
  }
}
// Indices (the tsan filter in CMakeLists.txt names some): lock 0-2, stm 3-5,
// tbb 6-8, itm 9-11, htm-model 12-14.
INSTANTIATE_TEST_SUITE_P(TwoToEight, LeeThreads,
                         ::testing::Combine(::testing::Values("lock", "stm", "tbb", "itm", "htm-model"),
                                            ::testing::Values(2, 4, 8)));

// What the HTM model makes of Lee-TM's shapes, one thread (no conflicts):
// tracked, released and raw write the temp grid (raw also its copy of the
// grid) inside the routing transaction, and the model is shown those
// private writes, so long routes overflow its L1 and fall back to the lock;
// privatized leaves only the claim inside, which fits.
TEST(LeeHtmModel, WaveShapesOverflowPrivatizedClaimFits) {
  SKIP_WITHOUT_BOARDS();
  lb::Maze board = lb::read_input_file(board_path("testBoard"));
  auto stats = [&](lb::Snapshot s) { return lb::total_stats(route_board(board, "htm-model", 1, s).out); };
  const uint64_t routes = board.pairs.size();
  lbtm::Stats raw = stats(lb::Snapshot::kRaw);
  EXPECT_GE(raw.aborts_capacity, routes);  // the copy alone writes 5.8 MB, every route
  EXPECT_GE(raw.fallbacks, routes);
  for (lb::Snapshot s : {lb::Snapshot::kTracked, lb::Snapshot::kReleased}) {
    lbtm::Stats st = stats(s);
    EXPECT_GT(st.aborts_capacity, 0u) << lb::to_string(s);
    EXPECT_GT(st.fallbacks, 0u) << lb::to_string(s);
  }
  lbtm::Stats tracked = stats(lb::Snapshot::kTracked), priv = stats(lb::Snapshot::kPrivatized);
  EXPECT_EQ(priv.aborts(), 0u);
  EXPECT_EQ(priv.fallbacks, 0u);
  // A route that fits speculatively under tracked carries its wave's temp
  // grid and queue lines too: more than the largest claim writes.
  EXPECT_GT(tracked.write_set_max, 2 * priv.write_set_max);
}

TEST(LeeRules, WorkOrderIsShortestFirstTiesInReverseFileOrder) {
  lb::Maze m = lb::parse_board("J 1 1 5 1\nJ 1 2 2 2\nJ 1 3 5 3\nJ 1 4 2 4\nE\n", "b.txt");
  EXPECT_EQ(lb::lee::work_order(m), (std::vector<uint32_t>{3, 1, 2, 0}));
}

TEST(LeeRules, RefusesStampInputsAndInstrumentedAccess) {
  lb::Maze stamp = lb::parse_maze("d 4 4 2\np 0 0 0 3 3 0\n", "s.txt");
  lb::RouteRequest req;
  req.maze = &stamp;
  req.private_memory = lb::malloc_private_memory();
  EXPECT_THROW(lb::lee_route_fn("seq")(req), std::invalid_argument);
  lb::Maze board = lb::parse_board("J 1 1 5 1\nE\n", "b.txt");
  req.maze = &board;
  req.order = lb::lee::work_order(board);
  req.params.private_access = lb::PrivateAccess::kInstrumented;
  EXPECT_THROW(lb::lee_route_fn("seq")(req), std::invalid_argument);
  for (const lb::RuntimeEntry& e : lb::runtime_table()) EXPECT_NE(lb::lee_route_fn(e.name), nullptr) << e.name;
  EXPECT_EQ(lb::lee_route_fn("no-such-tm"), nullptr);
}

// A small board by hand: a pad wall between two routes' pads forces the
// second around it; everything verifies; a pad in the way costs more.
TEST(LeeRules, HandBoardRoutesAroundPads) {
  lb::Maze b = lb::parse_board("B 12 8\nP 2 2\nP 9 2\nP 5 1\nP 5 2\nP 5 3\nJ 2 2 9 2\nE\n", "b.txt");
  Routed r = route_board(b, "seq", 1, lb::Snapshot::kTracked);
  ASSERT_TRUE(r.report.ok) << r.report.problems[0];
  EXPECT_EQ(r.counts.laid, 1);
  // Straight would be 6 cells between the pads; the wall at x = 5 forces a detour.
  EXPECT_GT(r.counts.track_cells, 6);
}

// A route walled in by pads fails; the run goes on and verifies.
TEST(LeeRules, UnroutableRouteFailsAloneAndTheRunGoesOn) {
  lb::Maze b = lb::parse_board("B 10 10\nP 2 3\nP 4 3\nP 3 2\nP 3 4\nP 6 6\nJ 3 3 7 7\nJ 6 6 8 8\nE\n", "b.txt");
  Routed r = route_board(b, "seq", 1, lb::Snapshot::kTracked);
  EXPECT_TRUE(r.report.ok);
  EXPECT_EQ(r.counts.laid, 1);
  EXPECT_EQ(r.counts.failed, 1);
}

// The outer ring is never routed (lee_router.hpp marks it in the temp grid,
// and the traceback reads the mark as unreached).  A wall of pads across the
// whole inside of the board leaves only the ring to go round by: the route
// fails.  With one gap in the wall, it is laid through the gap.
TEST(LeeRules, TheRingIsNeverRoutedUnderEveryRuntimeAndShape) {
  lb::Maze closed = lb::parse_board("B 9 7\nP 4 1\nP 4 2\nP 4 3\nP 4 4\nP 4 5\nJ 2 3 6 3\nE\n", "closed.txt");
  lb::Maze gap = lb::parse_board("B 9 7\nP 4 1\nP 4 2\nP 4 3\nP 4 4\nJ 2 3 6 3\nE\n", "gap.txt");
  for (const char* tm : {"seq", "lock", "stm", "tbb", "itm", "htm-model"})
    for (lb::Snapshot shape : kShapes) {
      std::string what = std::string(tm) + " " + lb::to_string(shape);
      if (refused(tm, shape)) continue;
      Routed r = route_board(closed, tm, 1, shape);
      EXPECT_TRUE(r.report.ok) << what;
      EXPECT_EQ(r.counts.laid, 0) << what;
      EXPECT_EQ(r.counts.failed, 1) << what;
      r = route_board(gap, tm, 1, shape);
      EXPECT_TRUE(r.report.ok) << what << ": " << (r.report.problems.empty() ? "" : r.report.problems[0]);
      EXPECT_EQ(r.counts.laid, 1) << what;
    }
}

TEST(BoardVerifier, CatchesBrokenRoutes) {
  lb::Maze b = lb::parse_board("B 10 10\nP 2 2\nP 6 2\nP 4 5\nJ 2 2 6 2\nJ 2 2 4 5\nE\n", "b.txt");
  auto at = [&](int64_t x, int64_t y, int64_t z) { return (uint32_t)b.index({x, y, z}); };
  auto check = [&](std::vector<lb::RoutedPath> paths) {
    std::vector<const lb::RoutedPath*> ptrs;
    for (auto& p : paths) ptrs.push_back(&p);
    return lb::verify_board(b, ptrs);
  };
  lb::RoutedPath good{0, {at(6, 2, 0), at(5, 2, 0), at(5, 2, 1), at(4, 2, 1), at(3, 2, 1), at(2, 2, 1)}};
  EXPECT_TRUE(check({good}).ok);
  lb::RoutedPath jump{0, {at(6, 2, 0), at(4, 2, 0), at(3, 2, 0), at(2, 2, 0)}};
  EXPECT_FALSE(check({jump}).ok);
  lb::RoutedPath wrong_end{0, {at(6, 2, 0), at(5, 2, 0), at(4, 2, 0)}};
  EXPECT_FALSE(check({wrong_end}).ok);
  // Route 1 shares (3, 2, 1) with the good route 0.
  lb::RoutedPath share{1, {at(4, 5, 1), at(4, 4, 1), at(4, 3, 1), at(4, 2, 1), at(3, 2, 1), at(2, 2, 1)}};
  EXPECT_FALSE(check({good, share}).ok);
  // Across a foreign pad: route 1 through the pad at (6, 2) is not its own.
  lb::RoutedPath pad{1, {at(4, 5, 0), at(5, 5, 0), at(6, 5, 0), at(6, 4, 0), at(6, 3, 0), at(6, 2, 0), at(5, 2, 0),
                         at(4, 2, 0), at(3, 2, 0), at(2, 2, 0)}};
  EXPECT_FALSE(check({pad}).ok);
  lb::RoutedPath ring{0, {at(6, 2, 0), at(6, 1, 0), at(6, 0, 0), at(5, 0, 0), at(4, 0, 0), at(3, 0, 0), at(2, 0, 0),
                          at(2, 1, 0), at(2, 2, 0)}};
  EXPECT_FALSE(check({ring}).ok);
  EXPECT_FALSE(check({good, good}).ok);  // laid twice
}

// STAMP's rules on a board: the board maps to a STAMP maze (BOARDS.md) that
// STAMP's router routes and STAMP's verifier accepts.
TEST(StampRulesOnBoards, MappingAndRouting) {
  lb::Maze b = lb::parse_board("B 10 10\nP 2 2\nP 6 2\nP 4 5\nJ 2 2 6 2\nJ 6 2 4 5\nE\n", "b.txt");
  lb::Maze m = lb::board_as_stamp(b);
  EXPECT_EQ(m.format, lb::InputFormat::kStamp);
  EXPECT_EQ(m.depth, 2);
  ASSERT_EQ(m.pairs.size(), 2u);
  EXPECT_EQ(m.pairs[0].src, (lb::Coord{2, 2, 0}));
  // Ring (36 cells a layer) and pads: layer 1 all three, layer 0 none (all endpoints).
  EXPECT_EQ(m.walls.size(), 2u * 36 + 3);
  for (const lb::Coord& w : m.walls) EXPECT_FALSE(w.z == 0 && w.x == 2 && w.y == 2);
  EXPECT_EQ(lb_test::route_verified(m, "seq", 1).paths_routed, 2);
}

TEST(StampRulesOnBoards, TestBoardUnderEveryRuntime) {
  SKIP_WITHOUT_BOARDS();
  lb::Maze m = lb::board_as_stamp(lb::read_input_file(board_path("testBoard")));
  lb::PathSummary seq = lb_test::route_verified(m, "seq", 1);
  EXPECT_GT(seq.paths_routed, 150);
  for (const char* tm : {"lock", "stm"}) EXPECT_GT(lb_test::route_verified(m, tm, 2).paths_routed, 150) << tm;
}

}  // namespace
