// The allocator options of the real labyrinth binary: --list-allocators,
// --allocator (re-execution with the preload, detection in the record, a
// mismatch failing the run) and --private-memory allocpage --page-size.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "allocators/malloc_select.hpp"
#include "tests/common/run_command.hpp"

namespace {

struct RunResult {
  int status;
  std::string out;  // stdout: the record with --json -
  nlohmann::json record;
};

// A tiny maze: 3 paths on 16 x 16 x 3.  One file per test process, written once
// and removed at exit: ctest -j runs these tests in parallel processes (and other
// checkouts on the machine run them too); a shared name was truncated by one
// while another's labyrinth read it ("the file is empty").
std::string input() {
  static const struct File {
    std::string path = ::testing::TempDir() + "/alloc-small-" + std::to_string(getpid()) + ".txt";
    File() { std::ofstream(path) << "d 16 16 3\np 0 0 0 15 15 2\np 0 15 0 15 0 0\np 3 3 1 12 12 1\n"; }
    ~File() { std::remove(path.c_str()); }
  } file;
  return file.path;
}

RunResult labyrinth(const std::string& args, const std::string& env = "env -u LD_PRELOAD") {
  lb_test::CommandResult c =
      lb_test::run_command(env + " " + LB_LABYRINTH_BIN + " -i " + input() + " --json - " + args + " 2>/dev/null");
  RunResult r{c.status, c.output, {}};
  size_t nl = r.out.find('\n');
  r.record = nlohmann::json::parse(r.out.substr(0, nl), nullptr, false);
  return r;
}

std::string real(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? buf : p;
}

TEST(LabyrinthAllocators, ListsEveryMallocOfThisBuild) {
  lb_test::CommandResult list = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " --list-allocators");
  EXPECT_EQ(list.status, 0);
  const std::string& out = list.output;
  for (const malloc_library& m : malloc_known()) {
    EXPECT_NE(out.find(m.name), std::string::npos) << out;
    if (!m.path.empty()) {
      EXPECT_NE(out.find(m.path), std::string::npos) << out;
    }
  }
}

TEST(LabyrinthAllocators, AnUnknownAllocatorIsAUsageError) {
  RunResult r = labyrinth("--allocator nosuchmalloc");
  EXPECT_EQ(r.status, 2);
  ASSERT_TRUE(r.record.is_object()) << r.out;
  EXPECT_EQ(r.record["status"], "failed");
  EXPECT_EQ(r.record["failure"]["reason"], "usage");
  EXPECT_EQ(r.record["allocator"]["requested"], "nosuchmalloc");
}

// Re-executing with another malloc preloaded: label no-asan (see CMakeLists.txt).
class LabyrinthWith : public ::testing::TestWithParam<std::string> {};

TEST_P(LabyrinthWith, TheRecordSaysWhichMallocServedTheRun) {
  RunResult r = labyrinth("--allocator " + GetParam());
  ASSERT_EQ(r.status, 0) << r.out;
  const auto& a = r.record["allocator"];
  EXPECT_EQ(a["requested"], GetParam());
  EXPECT_EQ(a["detected"], GetParam());
  malloc_choice c = malloc_resolve(GetParam());
  if (!c.preload.empty()) {
    EXPECT_EQ(a["library"], real(c.preload));
  }
  if (GetParam() != "tbbmalloc") {
    EXPECT_TRUE(a["version"].is_string()) << a;
  }
  EXPECT_EQ(r.record["result"]["verified"], true);
}

// Every malloc serves the transaction lifetime (issue 12): the same paths,
// the lifetime in the record, the grid, queue and traceback buffer of every
// routing transaction counted among the bytes requested in transactions.
TEST_P(LabyrinthWith, TheTransactionLifetimeRoutesTheSamePaths) {
  RunResult w = labyrinth("--allocator " + GetParam());
  RunResult t = labyrinth("--allocator " + GetParam() + " --private-lifetime transaction");
  ASSERT_EQ(w.status, 0) << w.out;
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_EQ(t.record["allocator"]["detected"], GetParam());
  EXPECT_EQ(w.record["private_memory"]["lifetime"], "worker");
  EXPECT_EQ(t.record["private_memory"]["lifetime"], "transaction");
  EXPECT_EQ(t.record["result"]["path_hash"], w.record["result"]["path_hash"]);
  EXPECT_EQ(t.record["result"]["verified"], true);
  // 3 pairs, each routed by one committed transaction that took 3 blocks, and 3 paths.
  EXPECT_EQ(t.record["tm_stats"]["tx_allocs"], 3 * 3 + 3);
  EXPECT_EQ(w.record["tm_stats"]["tx_allocs"], 3);
  EXPECT_GT(t.record["tm_stats"]["tx_alloc_bytes"].get<uint64_t>(),
            3 * 16 * 16 * 3 * 8 + w.record["tm_stats"]["tx_alloc_bytes"].get<uint64_t>())
      << "three grids of 16 x 16 x 3 cells at least";
}

INSTANTIATE_TEST_SUITE_P(EveryAllocator, LabyrinthWith,
                         ::testing::Values("glibc", "jemalloc", "mimalloc", "tbbmalloc", "tcmalloc"),
                         [](const auto& info) { return info.param; });

TEST(LabyrinthAllocatorsPreload, ALibraryPathIsAcceptedAndRecordedAsGiven) {
  std::string path = malloc_resolve("mimalloc").preload;
  RunResult r = labyrinth("--allocator " + path);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.record["allocator"]["requested"], path);
  EXPECT_EQ(r.record["allocator"]["detected"], "mimalloc");
}

TEST(LabyrinthAllocatorsPreload, AMismatchFailsTheRunWithoutANumber) {
  // jemalloc is asked for and is in LD_PRELOAD, but mimalloc comes first and serves.
  std::string env = "env LD_PRELOAD=" + malloc_resolve("mimalloc").preload + ":" + malloc_resolve("jemalloc").preload;
  RunResult r = labyrinth("--allocator jemalloc", env);
  EXPECT_EQ(r.status, 4);
  ASSERT_TRUE(r.record.is_object()) << r.out;
  EXPECT_EQ(r.record["status"], "failed");
  EXPECT_EQ(r.record["failure"]["reason"], "allocator-mismatch");
  EXPECT_NE(r.record["failure"]["message"].get<std::string>().find("served by mimalloc"), std::string::npos);
  EXPECT_TRUE(r.record["time"].is_null());
  EXPECT_TRUE(r.record["result"].is_null());
  EXPECT_EQ(r.record["allocator"]["detected"], "mimalloc");
}

TEST(LabyrinthAllocators, AllocpagePrivateMemoryGivesTheSamePaths) {
  RunResult m = labyrinth("");
  RunResult a = labyrinth("--private-memory allocpage --page-size 4k");
  ASSERT_EQ(m.status, 0) << m.out;
  ASSERT_EQ(a.status, 0) << a.out;
  EXPECT_EQ(a.record["private_memory"]["source"], "allocpage");
  EXPECT_EQ(a.record["private_memory"]["page_size"], 4096);
  EXPECT_EQ(m.record["private_memory"]["source"], "malloc");
  EXPECT_EQ(a.record["result"]["path_hash"], m.record["result"]["path_hash"]);
  EXPECT_EQ(a.record["result"]["verified"], true);
  // One worker, three blocks, all given back; the pre-faulted reserve was enough.
  const auto& st = a.record["private_memory"]["allocpage"];
  ASSERT_TRUE(st.is_object()) << a.record["private_memory"];
  EXPECT_EQ(st["pages_in_use"], 0);
  EXPECT_GT(st["high_water"].get<int>(), 0);
  EXPECT_EQ(st["refills"], 0);
  EXPECT_EQ(st["reserve_hits"], 3) << "grid, queue and traceback buffer";
  EXPECT_EQ(st["failed_atomic"], 0);
  EXPECT_EQ(st["foreign_frees"], 0);
  EXPECT_EQ(st["double_frees"], 0);
  EXPECT_TRUE(m.record["private_memory"]["allocpage"].is_null());
}

// Per transaction, every routing attempt asks allocpage for its blocks with
// atomic requests, all served from the pre-faulted reserve, all given back.
TEST(LabyrinthAllocators, AllocpageServesTheTransactionLifetimeFromItsReserve) {
  RunResult w = labyrinth("--private-memory allocpage");
  RunResult t = labyrinth("--private-memory allocpage --private-lifetime transaction");
  ASSERT_EQ(t.status, 0) << t.out;
  EXPECT_EQ(t.record["private_memory"]["lifetime"], "transaction");
  EXPECT_EQ(t.record["result"]["path_hash"], w.record["result"]["path_hash"]);
  const auto& st = t.record["private_memory"]["allocpage"];
  ASSERT_TRUE(st.is_object()) << t.record["private_memory"];
  EXPECT_EQ(st["reserve_hits"], 3 * 3) << "3 routing transactions x grid, queue, traceback buffer";
  EXPECT_EQ(st["failed_atomic"], 0);
  EXPECT_EQ(st["refills"], 0);
  EXPECT_EQ(st["pages_in_use"], 0);
  EXPECT_EQ(t.record["router"]["dry_reserve_retries"], 0);
  EXPECT_EQ(t.record["tm_stats"]["tx_allocs"], 3 * 3 + 3);
}

TEST(LabyrinthAllocators, AllocpageOnTwoThreadsVerifies) {
  RunResult a = labyrinth("--private-memory allocpage -t 2 --tm lock --private instrumented");
  ASSERT_EQ(a.status, 0) << a.out;
  EXPECT_EQ(a.record["result"]["paths_routed"], 3);
  EXPECT_EQ(a.record["result"]["verified"], true);
}

TEST(LabyrinthAllocators, TwoMibPagesAreRecordedAsObtainedOrRefusedWithAdvice) {
  RunResult a = labyrinth("--private-memory allocpage --page-size 2m");
  if (a.status == 0) {
    EXPECT_EQ(a.record["private_memory"]["page_size"], 2 * 1024 * 1024);
  } else {
    EXPECT_EQ(a.status, 2) << a.out;
    ASSERT_TRUE(a.record.is_object()) << a.out;
    EXPECT_NE(a.record["failure"]["message"].get<std::string>().find("nr_hugepages"), std::string::npos) << a.out;
  }
}

TEST(LabyrinthAllocators, OneGibPagesWithoutHugetlbfsFailWithWhatToConfigure) {
  std::ifstream f("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages");
  long free_pages = 0;
  if (f >> free_pages && free_pages >= 3) GTEST_SKIP() << "this machine has 1 GiB pages reserved";
  RunResult a = labyrinth("--private-memory allocpage --page-size 1g");
  EXPECT_EQ(a.status, 2);
  ASSERT_TRUE(a.record.is_object()) << a.out;
  EXPECT_EQ(a.record["status"], "failed");
  EXPECT_EQ(a.record["private_memory"]["source"], "allocpage");
  EXPECT_TRUE(a.record["private_memory"]["page_size"].is_null()) << "no page size was obtained";
  EXPECT_NE(a.record["failure"]["message"].get<std::string>().find("hugepages-1048576kB/nr_hugepages"),
            std::string::npos);
  EXPECT_TRUE(a.record["time"].is_null());
}

TEST(LabyrinthAllocators, PageSizeWithoutAllocpageIsAUsageError) {
  RunResult a = labyrinth("--page-size 2m");
  EXPECT_EQ(a.status, 2);
  EXPECT_EQ(a.record["failure"]["reason"], "usage");
}

}  // namespace
