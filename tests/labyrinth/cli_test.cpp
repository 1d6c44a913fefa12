// The command-line tool as a user meets it: STAMP's lines, exit statuses,
// clear errors naming file and line, and the JSON record.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "labyrinth/record.hpp"  // kRecordSchema: the schema's version
#include "tests/common/run_command.hpp"

namespace {

using Result = lb_test::CommandResult;

// labyrinth with `args`; the output is stdout and stderr together.
Result run(const std::string& args) {
  return lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " " + args + " 2>&1");
}

// A file name of this test's own: ctest runs the tests of this binary in
// parallel processes that share TempDir().
std::string test_file(const std::string& name) {
  return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + name;
}

std::string write_input(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

const char* kSmall = "d 8 8 2\np 0 0 0 7 7 1\np 0 7 0 7 0 0\np 3 3 1 4 4 1\n";

TEST(Cli, PrintsStampLinesAndVerifies) {
  Result r = run("-i " + write_input(test_file("small.txt"), kSmall));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Maze dimensions = 8 x 8 x 2\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Paths to route  = 3\n"), std::string::npos);
  EXPECT_NE(r.output.find("Paths routed    = 3\n"), std::string::npos);
  EXPECT_NE(r.output.find("Elapsed time    = "), std::string::npos);
  EXPECT_NE(r.output.find("Verification passed.\n"), std::string::npos);
}

TEST(Cli, WritesResultRecord) {
  std::string json = ::testing::TempDir() + "/" + test_file("record.json");
  Result r = run("-i " + write_input(test_file("small.txt"), kSmall) + " --tm lock -t 2 --repetition 4 --json " + json);
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream f(json);
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["schema"], lb::kRecordSchema);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["tm"]["name"], "lock");
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["repetition"], 4);
  EXPECT_EQ(j["input"]["name"], "WritesResultRecord-small");  // file name without .txt
  EXPECT_EQ(j["input"]["dims"], nlohmann::json({8, 8, 2}));
  EXPECT_EQ(j["input"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["result"]["paths_routed"], 3);
  EXPECT_EQ(j["result"]["verified"], true);
  EXPECT_EQ(j["result"]["path_hash"].get<std::string>().size(), 16u);
  EXPECT_GE(j["time"]["elapsed_s"].get<double>(), 0.0);
  EXPECT_GE(j["tm_stats"]["commits"].get<int>(), 3 + 1);  // 3 routes and the pops
  EXPECT_EQ(j["mode"]["snapshot"], "raw");
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_NE(j["allocator"]["library"].get<std::string>().find("libasan"), std::string::npos);  // ASan's malloc serves
#else
  EXPECT_EQ(j["allocator"]["detected"], "glibc");
#endif
  EXPECT_TRUE(j["machine"].contains("thp"));
}

TEST(Cli, JsonToStdoutKeepsStdoutPure) {
  Result r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " +
                                  write_input(test_file("small.txt"), kSmall) + " --json - 2>/dev/null");
  ASSERT_EQ(r.status, 0);
  nlohmann::json j = nlohmann::json::parse(r.output);  // throws if anything else is there
  EXPECT_EQ(j["status"], "ok");
}

TEST(Cli, BadInputNamesFileAndLineAndExitsTwo) {
  std::string path = write_input(test_file("bad.txt"), "d 8 8 2\np 0 0 0 9 9 9\n");
  std::string json = ::testing::TempDir() + "/" + test_file("bad.json");
  Result r = run("-i " + path + " --json " + json);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(path + ":2: destination (9, 9, 9) is outside the 8 x 8 x 2 grid"), std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Paths routed"), std::string::npos);  // refused before routing
  std::ifstream f(json);
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["failure"]["reason"], "input");
  EXPECT_TRUE(j["time"].is_null());  // a failed run carries no number
}

TEST(Cli, UsageErrorsExitTwo) {
  std::string in = write_input(test_file("small.txt"), kSmall);
  EXPECT_EQ(run("-i " + in + " --tm nosuch").status, 2);
  Result seq = run("-i " + in + " --tm seq -t 2");
  EXPECT_EQ(seq.status, 2);
  EXPECT_NE(seq.output.find("one thread only"), std::string::npos) << seq.output;
  EXPECT_EQ(run("-i " + in + " -t 0").status, 2);
  EXPECT_EQ(run("-i " + in + " -x 0").status, 2);
  EXPECT_EQ(run("-i " + in + " --snapshot sideways").status, 2);
  EXPECT_EQ(run("").status, 2);  // no input
  EXPECT_EQ(run("--help").status, 0);
}

TEST(Cli, PrintsRoutedMazeLikeStamp) {
  Result r = run("-p -i " + write_input(test_file("small.txt"), kSmall));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Routed Maze:\n[z = 0]\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("[z = 1]\n"), std::string::npos);
}

}  // namespace

namespace {

// A Lee-TM board by hand: two routes around a pad.
const char* kBoard = "B 12 8\nP 2 2\nP 9 2\nP 5 2\nP 3 5\nJ 2 2 9 2\nJ 9 2 3 5\nE\n";

TEST(CliBoards, LeeRulesRecordTheBoardCounts) {
  std::string json = ::testing::TempDir() + "/" + test_file("board.json");
  Result r = run("-i " + write_input(test_file("board.txt"), kBoard) + " --rules lee-tm --json " + json);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("Routes laid     = 2, failed = 0"), std::string::npos) << r.output;
  std::ifstream f(json);
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["rules"], "lee-tm");
  EXPECT_EQ(j["input"]["format"], "lee");
  EXPECT_EQ(j["input"]["pads"], 4);
  EXPECT_EQ(j["board"]["laid"], 2);
  EXPECT_EQ(j["board"]["failed"], 0);
  EXPECT_GT(j["board"]["track_cells"].get<int>(), 8);
  EXPECT_TRUE(j["board"].contains("forced_vias"));
  EXPECT_EQ(j["result"]["verified"], true);
}

TEST(CliBoards, StampRulesRouteABoard) {
  std::string json = ::testing::TempDir() + "/" + test_file("board.json");
  Result r = run("-i " + write_input(test_file("board.txt"), kBoard) + " --tm lock -t 2 --json " + json);
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream f(json);
  nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["rules"], "stamp");
  EXPECT_EQ(j["board"]["laid"], 2);
  EXPECT_EQ(j["board"]["forced_vias"], 0);
}

TEST(CliBoards, FormatOverrideAndRefusals) {
  std::string board = write_input(test_file("board.txt"), kBoard);
  std::string stamp = write_input(test_file("small.txt"), kSmall);
  // Forced to the wrong format, each file is refused with its first line.
  Result r = run("-i " + board + " --format stamp");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(board + ":1: unknown line type 'B'"), std::string::npos) << r.output;
  r = run("-i " + stamp + " --format lee");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(stamp + ":1: unknown record 'd'"), std::string::npos) << r.output;
  r = run("-i " + stamp + " --rules lee-tm");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("Lee-TM boards only"), std::string::npos) << r.output;
  // itm routes a board under Lee-TM's rules, but has no early release.
  r = run("-i " + board + " --rules lee-tm --tm itm");
  EXPECT_EQ(r.status, 0) << r.output;
  r = run("-i " + board + " --rules lee-tm --tm itm --snapshot released");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("itm cannot express --snapshot released: it has no early release"), std::string::npos)
      << r.output;
  EXPECT_EQ(run("-i " + board + " --rules lee-tm --private instrumented").status, 2);
  EXPECT_EQ(run("-i " + board + " --rules nosuch").status, 2);
  std::string bad = write_input(test_file("bad.txt"), "P 3 3\nJ 3 3 3 3\nE\n");
  r = run("-i " + bad);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(bad + ":2: route starts and ends at the same point"), std::string::npos) << r.output;
}

}  // namespace
