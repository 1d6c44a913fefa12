// The real router under stm, tbb, itm and htm-model (and the privatized
// shape under seq and lock too): every shape at several thread
// counts routes a verified result (the verifier checks each path and the
// final shared grid), one thread routes exactly seq's paths, and the STM's
// statistics show what each shape puts in the read and write sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>

#include "labyrinth/generator.hpp"
#include "labyrinth/maze.hpp"
#include "tests/labyrinth/route_helpers.hpp"

namespace {

const lb::Maze& dense_maze() {  // dense enough that workers contend for cells
  static const lb::Maze maze = lb::parse_maze(lb::generate_input({48, 48, 3, 120, 3}), "generated");
  return maze;
}

lb::RouterParams shape(lb::Snapshot s, lb::PrivateAccess p) {
  lb::RouterParams params;
  params.snapshot = s;
  params.private_access = p;
  return params;
}

using Case = std::tuple<std::string, lb::Snapshot, lb::PrivateAccess, int>;

class RouterUnderTm : public ::testing::TestWithParam<Case> {};

TEST_P(RouterUnderTm, RoutesAVerifiedResult) {
  auto [tm, snapshot, priv, threads] = GetParam();
  lb::RouterParams params = shape(snapshot, priv);
  // libitm has no early release and no private-memory predicate (ItmRuntime::capabilities()):
  // the router refuses those shapes up front, and runs instrumented private accesses
  // only when told not to filter them.
  bool filter = true;
  if (tm == "itm" && snapshot == lb::Snapshot::kReleased) {
    EXPECT_THROW(lb_test::route(dense_maze(), tm, threads, params), std::invalid_argument);
    return;
  }
  if (tm == "itm" && priv == lb::PrivateAccess::kInstrumented) {
    EXPECT_THROW(lb_test::route(dense_maze(), tm, threads, params, true), std::invalid_argument);
    filter = false;
  }
  lb::PathSummary s = lb_test::route_verified(dense_maze(), tm, threads, params, filter);
  EXPECT_GT(s.paths_routed, 60);
  if (threads == 1) {  // one thread routes STAMP's paths, whatever the runtime
    lb::PathSummary ref = lb_test::route_verified(dense_maze(), "seq", 1, params);
    EXPECT_EQ(s.path_hash, ref.path_hash);
    EXPECT_EQ(s.paths_routed, ref.paths_routed);
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  auto [tm, snapshot, priv, threads] = info.param;
  std::replace(tm.begin(), tm.end(), '-', '_');  // test names are identifiers
  return tm + "_" + lb::to_string(snapshot) + "_" + lb::to_string(priv) + "_t" + std::to_string(threads);
}

INSTANTIATE_TEST_SUITE_P(
    All, RouterUnderTm,
    ::testing::Combine(::testing::Values("stm", "tbb", "itm", "htm-model"),
                       ::testing::Values(lb::Snapshot::kRaw, lb::Snapshot::kTracked, lb::Snapshot::kReleased,
                                         lb::Snapshot::kPrivatized),
                       ::testing::Values(lb::PrivateAccess::kDirect, lb::PrivateAccess::kInstrumented),
                       ::testing::Values(1, 2, 4, 8)),
    case_name);

// What each shape puts in the STM's sets, one thread (no aborts to blur it).
lbtm::Stats stm_stats(lb::RouterParams params, bool filter = true) {
  lbtm::Stats s = lb::total_stats(lb_test::route(dense_maze(), "stm", 1, params, filter));
  EXPECT_EQ(s.aborts(), 0u);
  return s;
}

TEST(StmShapes, TrackedReadsTheWholeGridReleasedDropsIt) {
  const uint64_t cells = uint64_t(dense_maze().cells());
  lbtm::Stats raw = stm_stats(shape(lb::Snapshot::kRaw, lb::PrivateAccess::kDirect));
  lbtm::Stats tracked = stm_stats(shape(lb::Snapshot::kTracked, lb::PrivateAccess::kDirect));
  lbtm::Stats released = stm_stats(shape(lb::Snapshot::kReleased, lb::PrivateAccess::kDirect));
  EXPECT_LT(raw.read_set_max, cells / 10);  // the claimed path and the work queue
  EXPECT_GE(tracked.read_set_max, cells);   // every cell, plus the path's re-reads are one entry each
  EXPECT_LT(released.read_set_max, cells / 10);
  EXPECT_EQ(raw.released, 0u);
  EXPECT_GE(released.released, cells * 100);  // the whole grid per routed pair (> 100 pairs route)
  // Released reads every cell and releases it at once (lbtm::load_released):
  // its read sets hold what raw's do (the work queue, the claim), and every
  // cell tracked logs is counted released, once.
  EXPECT_EQ(released.read_set_max, raw.read_set_max);
  EXPECT_EQ(released.read_set_total, raw.read_set_total);
  EXPECT_EQ(released.released, tracked.read_set_total - raw.read_set_total);
}

TEST(StmShapes, PrivateFilterKeepsThePrivateGridOutOfTheSets) {
  auto p = shape(lb::Snapshot::kRaw, lb::PrivateAccess::kInstrumented);
  lbtm::Stats filtered = stm_stats(p, true);
  lbtm::Stats logged = stm_stats(p, false);
  const uint64_t cells = uint64_t(dense_maze().cells());
  EXPECT_LT(filtered.write_set_max, cells / 10);  // only the claimed path (and the queue head)
  EXPECT_GT(logged.write_set_max, cells / 2);     // the private grid's copy is buffered too
  EXPECT_GT(logged.read_set_max, filtered.read_set_max);
}

// The privatized shape under the direct runtimes (the others are above).
class PrivatizedUnderLock : public ::testing::TestWithParam<std::tuple<std::string, int>> {};
TEST_P(PrivatizedUnderLock, RoutesAVerifiedResult) {
  auto [tm, threads] = GetParam();
  lb::RouterParams params = shape(lb::Snapshot::kPrivatized, lb::PrivateAccess::kDirect);
  lb::PathSummary s = lb_test::route_verified(dense_maze(), tm, threads, params);
  EXPECT_GT(s.paths_routed, 60);
}
INSTANTIATE_TEST_SUITE_P(All, PrivatizedUnderLock,
                         ::testing::Values(std::make_tuple("seq", 1), std::make_tuple("lock", 1),
                                           std::make_tuple("lock", 2), std::make_tuple("lock", 4),
                                           std::make_tuple("lock", 8)));

// What the HTM model makes of each shape, one thread: STAMP's shapes keep
// the grid copy in the routing transaction, which overflows the modelled L1
// (the private grid is written there) and falls back to the lock every
// time; the privatized claim fits.
lbtm::Stats htm_stats(lb::Snapshot snapshot) {
  return lb::total_stats(lb_test::route(dense_maze(), "htm-model", 1, shape(snapshot, lb::PrivateAccess::kDirect)));
}

TEST(HtmModelShapes, StampShapesOverflowAndFallBack) {
  const uint64_t routed = uint64_t(lb_test::route_verified(dense_maze(), "seq", 1).paths_routed);
  for (lb::Snapshot s : {lb::Snapshot::kRaw, lb::Snapshot::kTracked, lb::Snapshot::kReleased}) {
    lbtm::Stats st = htm_stats(s);
    EXPECT_GE(st.aborts_capacity, routed) << lb::to_string(s);  // every routing transaction, once
    EXPECT_GE(st.fallbacks, routed) << lb::to_string(s);
    EXPECT_EQ(st.aborts_conflict, 0u);
  }
}

TEST(HtmModelShapes, PrivatizedClaimFits) {
  lbtm::Stats st = htm_stats(lb::Snapshot::kPrivatized);
  EXPECT_EQ(st.aborts(), 0u);
  EXPECT_EQ(st.fallbacks, 0u);
  EXPECT_GT(st.write_set_max, 1u);  // the claimed path's lines
  EXPECT_LT(st.read_set_max, uint64_t(dense_maze().cells()) / 8 / 10);
}

}  // namespace
