// What a run needs from the machine (issue 9): the memory check covers the
// whole footprint of the threads asked for, with the real figure; allocpage
// reserves address space sized from the run (its 16 GiB default failed under
// `ulimit -v` whatever the input, and as a usage error); a resource failure is
// exit 1 with reason `resource`.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "labyrinth/footprint.hpp"
#include "labyrinth/grid.hpp"
#include "tests/common/run_command.hpp"

namespace {

std::string write(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f);
}

TEST(Footprint, IsTheSharedGridAndItsCopyPlusEveryWorkersBlocks) {
  lb::Maze m = lb::parse_maze("d 100 50 3\np 0 0 0 1 1 0\n", "in.txt");
  lb::Footprint f = lb::run_footprint(m, 8, 1000);
  EXPECT_EQ(f.per_worker_bytes, 1000u);
  EXPECT_EQ(f.shared_bytes, 2u * 100 * 50 * 3 * sizeof(lb::Cell));
  EXPECT_EQ(f.total(), f.shared_bytes + 8 * f.per_worker_bytes);
}

// d 1 1 20000000: the reader accepts the grid (152 MiB), but each worker's
// padded grid, queue and traceback buffer take about 1 GB: at 1024 threads no
// machine has it.  Refused before routing, with the real figure.
TEST(CliResources, FootprintForTheThreadsIsCheckedBeforeRouting) {
  std::string in = write("footprint-in.txt", "d 1 1 20000000\np 0 0 0 0 0 1\n");
  std::string json = ::testing::TempDir() + "/footprint.json";
  auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + in + " -t 1024 --tm lock --json " + json +
                                " 2>&1");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.find("Paths routed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("with 1024 thread(s) needs "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("1024 thread(s) x "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("this machine has"), std::string::npos) << r.output;
  nlohmann::json j = read_json(json);
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["failure"]["reason"], "out-of-memory");
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)  // sanitizers need terabytes of address space
TEST(CliResources, AllocpageRunsUnderAnAddressSpaceLimit) {
  std::string in = write("ulimit-small.txt", "d 8 8 2\np 0 0 0 7 7 1\np 0 7 0 7 0 0\n");
  auto r = lb_test::run_command("ulimit -v 3000000 && " + std::string(LB_LABYRINTH_BIN) + " -i " + in +
                                " --tm stm --private-memory allocpage 2>&1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Verification passed."), std::string::npos) << r.output;
}

TEST(CliResources, AllocpageWithoutTheAddressSpaceIsAResourceFailure) {
  // 16.7 million cells: a reserve of about 270 MB and four times that much
  // address space, more than the 1 GB allowed here.
  std::string in = write("ulimit-large.txt", "d 1024 1024 16\np 0 0 0 1 1 0\n");
  std::string json = ::testing::TempDir() + "/ulimit-large.json";
  auto r = lb_test::run_command("ulimit -v 1000000 && " + std::string(LB_LABYRINTH_BIN) + " -i " + in +
                                " --tm seq --private-memory allocpage --json " + json + " 2>&1");
  EXPECT_EQ(r.status, 1) << r.output;
  nlohmann::json j = read_json(json);
  EXPECT_EQ(j["failure"]["reason"], "resource") << j.dump();
  EXPECT_NE(j["failure"]["message"].get<std::string>().find("allocpage"), std::string::npos) << j.dump();
}
#endif

}  // namespace
