// The transaction lifetime of private memory (--private-lifetime transaction,
// issue 12): every routing attempt takes its grid, queue and traceback buffer
// through the runtime's transaction-safe allocation, from malloc or from
// allocpage's atomic requests, and frees them when it commits.
//  - every runtime x shape x private memory routes a verified result, on one
//    thread exactly the worker lifetime's paths, and the TM counted exactly
//    the blocks and bytes the router asked for;
//  - attempts that abort give their blocks back (allocpage ends with no page
//    in use; the ASan build checks for leaks and use after free);
//  - a reserve that runs dry is refilled outside the transaction, and the
//    outcome counts it.
// Runs under ASan, and its multi-threaded cases under TSan (label tsan).
// Its own binary: allocpage is initialised once per process.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "allocators/allocpage.hpp"
#include "labyrinth/generator.hpp"
#include "labyrinth/grid.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/lee_runtimes.hpp"
#include "labyrinth/private_memory.hpp"
#include "labyrinth/runtimes.hpp"
#include "labyrinth/summary.hpp"
#include "labyrinth/verify.hpp"

namespace {

using lb::PrivateLifetime;

const lb::Maze& small_maze() {  // contended enough that two workers' claims collide
  static const lb::Maze maze = lb::parse_maze(lb::generate_input({24, 24, 3, 40, 7}), "generated");
  return maze;
}

// Two workers' worth of blocks (word-sized queue entries: the larger), page
// by page, as labyrinth sizes allocpage's reserve.
size_t two_workers(const lb::Maze& maze) {
  lb::WorkerBlocks b = lb::worker_blocks(maze, sizeof(uint64_t));
  auto pages = [](size_t bytes) { return (bytes + 4095) / 4096 * 4096; };
  return 2 * (pages(b.grid_bytes) + pages(b.queue_bytes) + pages(b.trace_bytes));
}

lb::PrivateMemorySource memory(const std::string& name) {
  if (name == "malloc") return lb::malloc_private_memory();
  static const lb::PrivateMemorySource allocpage = lb::allocpage_private_memory(4096, two_workers(small_maze()));
  return allocpage;
}

struct Shape {
  lb::Snapshot snapshot;
  lb::PrivateAccess access;
  bool filter;
};

lb::RouteRequest request(const std::string& mem, const Shape& shape, PrivateLifetime lifetime, int threads) {
  lb::RouteRequest req;
  req.maze = &small_maze();
  req.order = lb::stamp_work_order(small_maze());
  req.params.snapshot = shape.snapshot;
  req.params.private_access = shape.access;
  req.params.private_lifetime = lifetime;
  req.threads = threads;
  req.private_memory = memory(mem);
  req.private_memory.filter = shape.filter;
  return req;
}

struct Routed {
  lb::RouteOutcome out;
  lb::PathSummary summary;
  lbtm::Stats stats;
  uint64_t dry_retries = 0, queue_grows = 0;
};

Routed route_verified(const std::string& tm, const lb::RouteRequest& req) {
  Routed r;
  r.out = lb::find_runtime(tm)->route(req);
  auto paths = lb::all_paths(r.out);
  lb::VerifyReport report = lb::verify_paths(*req.maze, paths, &r.out.final_grid);
  EXPECT_TRUE(report.ok) << (report.problems.empty() ? "" : report.problems[0]);
  r.summary = lb::summarize(paths);
  r.stats = lb::total_stats(r.out);
  for (const lb::WorkerResult& w : r.out.workers) {
    r.dry_retries += w.dry_reserve_retries;
    r.queue_grows += w.queue_grows;
  }
  return r;
}

uint64_t path_bytes(const lb::RouteOutcome& out) {
  uint64_t n = 0;
  for (const lb::RoutedPath* p : lb::all_paths(out)) n += p->cells.size() * sizeof(uint32_t);
  return n;
}

void expect_no_allocpage_page_in_use(const std::string& mem) {
  if (mem == "allocpage") {
    EXPECT_EQ(allocpage_get_stats().pages_in_use, 0u) << "a block was not given back";
  }
}

std::string shape_name(const Shape& s) {
  return std::string(lb::to_string(s.snapshot)) + "_" + lb::to_string(s.access) +
         (s.access == lb::PrivateAccess::kDirect ? "" : s.filter ? "_filter_on" : "_filter_off");
}

const std::vector<Shape> kShapes = [] {
  std::vector<Shape> out;
  for (lb::Snapshot s : {lb::Snapshot::kRaw, lb::Snapshot::kTracked, lb::Snapshot::kReleased, lb::Snapshot::kPrivatized}) {
    out.push_back({s, lb::PrivateAccess::kDirect, true});
    out.push_back({s, lb::PrivateAccess::kInstrumented, true});
    out.push_back({s, lb::PrivateAccess::kInstrumented, false});
  }
  return out;
}();

// ---- one thread: the worker lifetime's paths, every block accounted for

using Case = std::tuple<std::string, Shape, std::string>;  // tm, shape, private memory
class TransactionLifetime : public ::testing::TestWithParam<Case> {};

TEST_P(TransactionLifetime, RoutesTheWorkerLifetimesPathsAndCountsEveryBlock) {
  auto [tm, shape, mem] = GetParam();
  lb::RouteRequest worker = request(mem, shape, PrivateLifetime::kWorker, 1);
  lb::RouteRequest per_tx = request(mem, shape, PrivateLifetime::kTransaction, 1);
  Routed w;
  try {
    w = route_verified(tm, worker);
  } catch (const std::invalid_argument& e) {  // a shape this runtime refuses: refused the same way
    EXPECT_THROW(lb::find_runtime(tm)->route(per_tx), std::invalid_argument) << e.what();
    return;
  }
  Routed t = route_verified(tm, per_tx);
  EXPECT_EQ(t.summary.path_hash, w.summary.path_hash);
  EXPECT_EQ(t.summary.paths_routed, w.summary.paths_routed);
  EXPECT_GT(t.summary.paths_routed, 0);
  EXPECT_EQ(t.queue_grows, 0u);
  expect_no_allocpage_page_in_use(mem);

  // Worker lifetime: the routed paths are the only blocks of transactions.
  EXPECT_EQ(w.stats.tx_allocs, (uint64_t)w.summary.paths_routed);
  EXPECT_EQ(w.stats.tx_alloc_bytes, path_bytes(w.out));
  // Transaction lifetime: and each pair's committed routing transaction took
  // a grid, a queue and a traceback buffer (outside any transaction for the
  // privatized shape, whose search is outside).
  const uint64_t pairs = small_maze().pairs.size();
  const bool words = shape.access == lb::PrivateAccess::kInstrumented || tm == "htm-model";
  lb::WorkerBlocks b = lb::worker_blocks(small_maze(), words ? sizeof(uint64_t) : sizeof(uint32_t));
  const bool in_tx = shape.snapshot != lb::Snapshot::kPrivatized;
  EXPECT_EQ(t.stats.tx_allocs, (in_tx ? 3 * pairs : 0) + t.summary.paths_routed);
  EXPECT_EQ(t.stats.tx_alloc_bytes,
            (in_tx ? pairs * (b.grid_bytes + b.queue_bytes + b.trace_bytes) : 0) + path_bytes(t.out));
  if (tm == "htm-model") {  // capacity aborts on one thread too: they gave their blocks back
    EXPECT_GE(t.stats.tx_allocs_undone, w.stats.tx_allocs_undone);
  } else {  // one thread: nothing aborts
    EXPECT_EQ(t.stats.tx_allocs_undone, 0u);
    EXPECT_EQ(w.stats.tx_allocs_undone, 0u);
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  auto [tm, shape, mem] = info.param;
  std::string name = tm + "_" + shape_name(shape) + "_" + mem;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(All, TransactionLifetime,
                         ::testing::Combine(::testing::Values("seq", "lock", "stm", "tbb", "itm", "htm-model"),
                                            ::testing::ValuesIn(kShapes), ::testing::Values("malloc", "allocpage")),
                         case_name);

// ---- two threads: verified, and every block back at the end (TSan too)

using ThreadCase = std::tuple<std::string, Shape, std::string>;
class TransactionLifetimeThreads : public ::testing::TestWithParam<ThreadCase> {};

TEST_P(TransactionLifetimeThreads, RoutesAVerifiedResultAndGivesEveryBlockBack) {
  auto [tm, shape, mem] = GetParam();
  for (int rep = 0; rep < 3; ++rep) {
    Routed t = route_verified(tm, request(mem, shape, PrivateLifetime::kTransaction, 2));
    EXPECT_GT(t.summary.paths_routed, 0);
    expect_no_allocpage_page_in_use(mem);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Two, TransactionLifetimeThreads,
    ::testing::Combine(::testing::Values("lock", "stm", "tbb", "htm-model"),
                       ::testing::Values(Shape{lb::Snapshot::kRaw, lb::PrivateAccess::kDirect, true},
                                         Shape{lb::Snapshot::kTracked, lb::PrivateAccess::kInstrumented, true},
                                         Shape{lb::Snapshot::kReleased, lb::PrivateAccess::kInstrumented, false},
                                         Shape{lb::Snapshot::kPrivatized, lb::PrivateAccess::kDirect, true}),
                       ::testing::Values("malloc", "allocpage")),
    case_name);

// ---- aborts give their blocks back

TEST(TransactionLifetimeAborts, AbortedAttemptsGiveTheirBlocksBack) {
  for (const char* mem : {"malloc", "allocpage"}) {
    SCOPED_TRACE(mem);
    uint64_t explicit_aborts = 0;
    for (int attempt = 0; attempt < 40 && explicit_aborts == 0; ++attempt) {
      Routed t = route_verified("stm", request(mem, {lb::Snapshot::kRaw, lb::PrivateAccess::kDirect, true},
                                               PrivateLifetime::kTransaction, 4));
      // A claim restarts after its attempt took a grid, a queue, a traceback
      // buffer and the path: all four went back.
      EXPECT_GE(t.stats.tx_allocs_undone, 4 * t.stats.aborts_explicit);
      if (t.stats.aborts_explicit > 0) {
        EXPECT_GT(t.stats.tx_alloc_bytes_undone, t.stats.aborts_explicit * small_maze().cells() * sizeof(lb::Cell));
      }
      expect_no_allocpage_page_in_use(mem);
      explicit_aborts += t.stats.aborts_explicit;
    }
    EXPECT_GT(explicit_aborts, 0u) << "no claim ever aborted: the test did not exercise the abort path";
  }
}

// ---- a dry reserve: refilled outside the transaction, counted

TEST(TransactionLifetimeDryReserve, IsRefilledOutsideTheTransactionAndCounted) {
  lb::PrivateMemorySource src = memory("allocpage");
  const size_t grid_pages = (lb::worker_blocks(small_maze(), sizeof(uint32_t)).grid_bytes + 4095) / 4096;
  // Drain the reserve of every block a grid could come from.
  std::vector<void*> drained;
  while (void* p = allocpage_block(grid_pages, ALLOCPAGE_ATOMIC)) drained.push_back(p);
  allocpage_stats before = allocpage_get_stats();
  Shape raw{lb::Snapshot::kRaw, lb::PrivateAccess::kDirect, true};
  Routed t = route_verified("stm", request("allocpage", raw, PrivateLifetime::kTransaction, 1));
  allocpage_stats after = allocpage_get_stats();
  for (void* p : drained) EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
  EXPECT_GE(t.dry_retries, 1u);
  EXPECT_GE(after.failed_atomic - before.failed_atomic, t.dry_retries);  // each retry began with a failed request
  EXPECT_GE(after.refills - before.refills, 1u);
  Routed w = route_verified("stm", request("allocpage", raw, PrivateLifetime::kWorker, 1));
  EXPECT_EQ(t.summary.path_hash, w.summary.path_hash);
  EXPECT_EQ(w.dry_retries, 0u);
  expect_no_allocpage_page_in_use("allocpage");
}

// ---- refused where it cannot be expressed

TEST(TransactionLifetimeRefused, LeeTmRulesTakeTheWorkerLifetimeOnly) {
  lb::Maze board = lb::parse_board("J 10 20 30 40\nE\n", "b.txt");
  lb::RouteRequest req;
  req.maze = &board;
  req.order = lb::lee::work_order(board);
  req.private_memory = lb::malloc_private_memory();
  req.params.private_lifetime = PrivateLifetime::kTransaction;
  try {
    lb::lee_route_fn("stm")(req);
    ADD_FAILURE() << "not refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--private-lifetime worker only"), std::string::npos) << e.what();
  }
}

}  // namespace
