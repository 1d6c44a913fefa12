// The expansion queue grows inside the routing transaction (issue 9: the
// router freed the old queue while the STM's write set still held stores to
// it, and the commit wrote them into freed memory: heap-use-after-free, and
// runs recorded `ok`).  Here the private memory is a Quarantine: a freed
// block faults on any access, so a free that comes before the commit's
// write-back is a SIGSEGV in every build.  Every runtime, every private
// shape, the filter on and off, both private lifetimes (per transaction,
// the grid, queue and traceback buffer are themselves taken and freed by
// every attempt, so a block given back before a roll-back faults too).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <tuple>

#include <nlohmann/json.hpp>

#include "labyrinth/board.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/lee_runtimes.hpp"
#include "labyrinth/private_memory.hpp"
#include "tests/common/quarantine_memory.hpp"
#include "tests/common/run_command.hpp"
#include "tests/labyrinth/lee_queue_growth_board.hpp"
#include "tests/labyrinth/queue_growth_maze.hpp"
#include "tests/labyrinth/route_helpers.hpp"
#include "tm/direct.hpp"
#include "tm/stm.hpp"

namespace {

// Private memory from a Quarantine.  `bad_free_after`: the n-th free reports
// a bad free instead (0: never), to see what the router makes of one.
class QuarantinePrivateMemory final : public lb::PrivateMemory {
 public:
  explicit QuarantinePrivateMemory(int bad_free_after) : bad_free_after_(bad_free_after) {}
  lbtm::PrivatePredicate predicate() const override {
    return {[](const void* a, const void* self) { return static_cast<const QuarantinePrivateMemory*>(self)->q_.live(a); },
            this};
  }

 protected:
  void* do_allocate(size_t bytes) override { return q_.allocate(bytes); }
  bool do_deallocate(void* p, size_t, std::string* why) noexcept override {
    if (++frees_ == bad_free_after_) {
      *why = "injected by the test";
      return false;
    }
    if (q_.free(p)) return true;
    *why = "not a live block";
    return false;
  }

 private:
  lb_test::Quarantine q_;
  int bad_free_after_;
  int frees_ = 0;
};

lb::PrivateMemorySource quarantine(bool filter, int bad_free_after = 0) {
  lb::PrivateMemorySource s;
  s.name = "quarantine";
  s.filter = filter;
  s.make = [bad_free_after] { return std::make_unique<QuarantinePrivateMemory>(bad_free_after); };
  return s;
}

const lb::Maze& growth_maze() {
  static const lb::Maze maze = lb::parse_maze(lb_test::queue_growth_maze(), "queue-growth");
  return maze;
}

lb::RouteRequest request(lb::PrivateAccess access, bool filter,
                         lb::PrivateLifetime lifetime = lb::PrivateLifetime::kWorker) {
  lb::RouteRequest req;
  req.maze = &growth_maze();
  req.order = lb::stamp_work_order(growth_maze());
  req.params.z_cost = lb_test::kQueueGrowthZCost;
  req.params.private_access = access;
  req.params.private_lifetime = lifetime;
  req.private_memory = quarantine(filter);
  return req;
}

using Case = std::tuple<std::string, lb::PrivateAccess, bool, lb::PrivateLifetime>;
class QueueGrowth : public ::testing::TestWithParam<Case> {};

TEST_P(QueueGrowth, OldQueueIsFreedOnlyAfterTheCommit) {
  auto [tm, access, filter, lifetime] = GetParam();
  if (tm == "itm" && access == lb::PrivateAccess::kInstrumented && filter) {  // refused: itm has no private predicate
    EXPECT_THROW(lb::find_runtime(tm)->route(request(access, filter, lifetime)), std::invalid_argument);
    return;
  }
  lb::RouteOutcome out = lb::find_runtime(tm)->route(request(access, filter, lifetime));
  uint64_t grows = 0;
  for (const lb::WorkerResult& w : out.workers) grows += w.queue_grows;
  EXPECT_GT(grows, 0u) << "the maze no longer makes the queue grow: the test checks nothing";
  auto paths = lb::all_paths(out);
  EXPECT_TRUE(lb::verify_paths(growth_maze(), paths, &out.final_grid).ok);
  EXPECT_EQ(paths.size(), 0u);  // the destination is walled in
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  auto [tm, access, filter, lifetime] = info.param;
  return tm + "_" + lb::to_string(access) + (filter ? "_filter_on_" : "_filter_off_") + lb::to_string(lifetime);
}

INSTANTIATE_TEST_SUITE_P(All, QueueGrowth,
                         ::testing::Combine(::testing::Values("seq", "lock", "stm", "tbb", "itm"),
                                            ::testing::Values(lb::PrivateAccess::kDirect,
                                                              lb::PrivateAccess::kInstrumented),
                                            ::testing::Bool(),
                                            ::testing::Values(lb::PrivateLifetime::kWorker,
                                                              lb::PrivateLifetime::kTransaction)),
                         case_name);

// The same for Lee-TM's router (lee_router.hpp's grow_queue): every
// runtime, every shape (itm cannot express released: refused), one thread
// and two (one route grows the queue, the other is laid meanwhile or after),
// on private memory whose freed blocks fault.
using LeeCase = std::tuple<std::string, lb::Snapshot, int>;
class LeeQueueGrowth : public ::testing::TestWithParam<LeeCase> {};

TEST_P(LeeQueueGrowth, OldQueueIsFreedOnlyAfterTheCommit) {
  auto [tm, shape, threads] = GetParam();
  static const lb::Maze board = lb::parse_board(lb_test::lee_queue_growth_board(), "lee-queue-growth");
  lb::RouteRequest req;
  req.maze = &board;
  req.order = lb::lee::work_order(board);
  req.params.snapshot = shape;
  req.threads = threads;
  req.private_memory = quarantine(true);
  lb::RouteFn route = lb::lee_route_fn(tm);
  ASSERT_NE(route, nullptr);
  if (tm == "itm" && shape == lb::Snapshot::kReleased) {
    EXPECT_THROW(route(req), std::invalid_argument);
    return;
  }
  lb::RouteOutcome out = route(req);
  uint64_t grows = 0;
  for (const lb::WorkerResult& w : out.workers) grows += w.queue_grows;
  EXPECT_GT(grows, 0u) << "the board no longer makes the queue grow: the test checks nothing";
  auto paths = lb::all_paths(out);
  lb::VerifyReport report = lb::verify_board(board, paths, &out.final_grid);
  EXPECT_TRUE(report.ok) << (report.problems.empty() ? "" : report.problems[0]);
  lb::BoardCounts counts = lb::board_counts(board, out, paths, true);
  EXPECT_EQ(counts.laid, 1);    // route 2, after route 1 grew the queue
  EXPECT_EQ(counts.failed, 1);  // route 1: its goal is walled in
}

std::string lee_case_name(const ::testing::TestParamInfo<LeeCase>& info) {
  auto [tm, shape, threads] = info.param;
  if (tm == "htm-model") tm = "htm_model";  // test names are identifiers
  return tm + "_" + lb::to_string(shape) + "_t" + std::to_string(threads);
}
const auto kLeeShapes = ::testing::Values(lb::Snapshot::kTracked, lb::Snapshot::kReleased, lb::Snapshot::kRaw,
                                          lb::Snapshot::kPrivatized);
INSTANTIATE_TEST_SUITE_P(OneThread, LeeQueueGrowth,
                         ::testing::Combine(::testing::Values("seq", "lock", "stm", "tbb", "itm", "htm-model"),
                                            kLeeShapes, ::testing::Values(1)),
                         lee_case_name);
INSTANTIATE_TEST_SUITE_P(TwoThreads, LeeQueueGrowth,
                         ::testing::Combine(::testing::Values("lock", "stm", "tbb", "itm", "htm-model"), kLeeShapes,
                                            ::testing::Values(2)),
                         lee_case_name);

// Freeing private memory plainly inside a transaction is refused, not just
// avoided by today's router.
TEST(PrivateMemory, RefusesPlainAllocationAndFreeInsideATransaction) {
  for (const char* tm : {"seq", "stm"}) {
    SCOPED_TRACE(tm);
    auto memory = quarantine(true).make();
    void* p = memory->allocate(64);
    auto refused = [&](auto&& atomically) {
      bool threw_free = false, threw_alloc = false;
      atomically([&] {
        try {
          memory->deallocate(p, 64);
        } catch (const std::logic_error&) {
          threw_free = true;
        }
        try {
          memory->allocate(64);
        } catch (const std::logic_error&) {
          threw_alloc = true;
        }
      });
      EXPECT_TRUE(threw_free);
      EXPECT_TRUE(threw_alloc);
    };
    if (std::string(tm) == "seq") {
      lbtm::SeqRuntime rt({}, 1);
      lbtm::SeqRuntime::Thread th(rt, 0);
      refused([&](auto f) { th.atomically([&](auto&) { f(); }); });
    } else {
      lbtm::StmRuntime rt({}, 1);
      lbtm::StmRuntime::Thread th(rt, 0);
      refused([&](auto f) { th.atomically([&](auto&) { f(); }); });
    }
    memory->deallocate(p, 64);  // outside: fine
    EXPECT_TRUE(memory->error().empty()) << memory->error();
  }
}

// A bad free of private memory when a worker finishes (issue 9: ~Worker let
// the exception out of a destructor, and the process terminated with no
// record) is the run's error, which labyrinth records as a failed run.
TEST(PrivateMemory, BadFreeAtTheEndOfAWorkerIsAnErrorNotATermination) {
  for (int nth : {1, 2, 3}) {  // the traceback buffer, the queue, the grid
    lb::RouteRequest req = request(lb::PrivateAccess::kDirect, true);
    req.params.z_cost = 2;
    req.private_memory = quarantine(true, nth);
    try {
      lb::find_runtime("stm")->route(req);
      ADD_FAILURE() << "a bad free went unreported";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("bad free of private memory: injected by the test"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace

namespace {

// The same through the real binary, with its own private memory (malloc and
// allocpage) and both lifetimes: in the ASan build, the heap-use-after-free
// the issue found.
class QueueGrowthCli : public ::testing::TestWithParam<std::tuple<std::string, std::string, std::string>> {};

std::string growth_input(const std::string& name) {
  std::string input = ::testing::TempDir() + "/queue-growth-" + name + ".txt";
  std::ofstream(input) << lb_test::queue_growth_maze();
  return input;
}

TEST_P(QueueGrowthCli, InstrumentedFilterOffRunsClean) {
  auto [tm, memory, lifetime] = GetParam();
  std::string input = growth_input(tm + "-" + memory + "-" + lifetime);
  lb_test::CommandResult r = lb_test::run_command(
      std::string(LB_LABYRINTH_BIN) + " -i " + input + " -z " + std::to_string(lb_test::kQueueGrowthZCost) +
      " --tm " + tm + " --private instrumented --private-filter off --private-memory " + memory +
      " --private-lifetime " + lifetime + " 2>&1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Verification passed."), std::string::npos) << r.output;
  std::remove(input.c_str());
}

INSTANTIATE_TEST_SUITE_P(All, QueueGrowthCli,
                         ::testing::Combine(::testing::Values("seq", "lock", "stm", "tbb", "itm"),
                                            ::testing::Values("malloc", "allocpage"),
                                            ::testing::Values("worker", "transaction")),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_" +
                                  std::get<2>(info.param);
                         });

// A queue that outgrows allocpage's reserve inside a routing transaction
// (transaction lifetime: atomic requests, word-sized entries): the attempt
// commits nothing, the worker refills outside it and routes again, and the
// record says so.  The run is ok and verified.
TEST(QueueGrowthCliDryReserve, IsRefilledOutsideTheTransactionAndRecorded) {
  std::string input = growth_input("dry-reserve");
  lb_test::CommandResult r = lb_test::run_command(
      std::string(LB_LABYRINTH_BIN) + " -i " + input + " -z " + std::to_string(lb_test::kQueueGrowthZCost) +
      " --tm stm --private instrumented --private-memory allocpage --private-lifetime transaction --json - "
      "2>/dev/null");
  std::remove(input.c_str());
  ASSERT_EQ(r.status, 0) << r.output;
  nlohmann::json j = nlohmann::json::parse(r.output.substr(0, r.output.find('\n')), nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.output;
  EXPECT_EQ(j["result"]["verified"], true);
  EXPECT_EQ(j["private_memory"]["lifetime"], "transaction");
  const auto& st = j["private_memory"]["allocpage"];
  EXPECT_GE(j["router"]["dry_reserve_retries"].get<int>(), 1) << j["router"];
  EXPECT_GE(st["failed_atomic"].get<int>(), j["router"]["dry_reserve_retries"].get<int>()) << st;
  EXPECT_GE(st["refills"].get<int>(), 1) << st;
  EXPECT_EQ(st["pages_in_use"], 0) << st;
}

}  // namespace
