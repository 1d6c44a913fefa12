// lb::run as a library: a RunConfig in, a RunResult out, the record built
// from configuration, result and environment; failures carry the schema's
// reason and never print or exit (labyrinth/run.hpp, run_error.hpp).
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "labyrinth/footprint.hpp"
#include "labyrinth/output_file.hpp"
#include "labyrinth/record.hpp"
#include "labyrinth/run.hpp"

namespace {

std::string write_input(const std::string& text) {
  std::string path = ::testing::TempDir() + "/" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-in.txt";
  std::ofstream(path) << text;
  return path;
}

const char* kSmall = "d 8 8 2\np 0 0 0 7 7 1\np 0 7 0 7 0 0\np 3 3 1 4 4 1\n";

lb::RunConfig small_config() {
  lb::RunConfig c;
  c.input = write_input(kSmall);
  return c;
}

TEST(RunAxes, EveryAxisTheBinaryTakesIsBoundToAField) {
  std::vector<std::string> bound;
  lb::RunConfig c;
  lb::for_each_axis(c, [&](const lb_schema::Axis& a, auto&, const lb::AxisUse& use) {
    bound.emplace_back(a.name);
    EXPECT_TRUE(use.help != nullptr && *use.help) << a.name;
  });
  std::vector<std::string> declared;
  for (const lb_schema::Axis& a : lb_schema::kAxes) declared.emplace_back(a.name);
  EXPECT_EQ(bound, declared);
}

TEST(Run, RoutesVerifiesAndTheRecordEchoesTheConfiguration) {
  lb::RunConfig c = small_config();
  c.tm = "lock";
  c.threads = 2;
  c.snapshot = lb::Snapshot::kTracked;
  c.private_filter = false;
  c.bend_cost = 3;
  c.repetition = 7;
  lb::Environment env = lb::Environment::gather();
  lb::RunResult r = lb::run(c, env);
  ASSERT_TRUE(r.ok()) << r.failure->message;
  EXPECT_TRUE(r.verified);
  ASSERT_TRUE(r.summary);
  EXPECT_EQ(r.summary->paths_routed, 3);
  EXPECT_TRUE(r.routed_maze.empty());  // not asked for (-p)
  nlohmann::json j = lb::make_record(c, r, env);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["tm"]["name"], "lock");
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["mode"]["snapshot"], "tracked");
  EXPECT_EQ(j["mode"]["private"], "direct");
  EXPECT_EQ(j["private_memory"]["filter"], false);
  EXPECT_EQ(j["private_memory"]["source"], "malloc");
  EXPECT_EQ(j["params"]["bend_cost"], 3);
  EXPECT_EQ(j["params"]["z_cost"], 2);
  EXPECT_EQ(j["rules"], "stamp");
  EXPECT_EQ(j["repetition"], 7);
  EXPECT_EQ(j["allocator"]["requested"], "glibc");
  EXPECT_EQ(j["allocator"]["detected"], env.malloc.name);  // gathered once, not probed again
  EXPECT_EQ(j["machine"]["thp"], env.thp);
  EXPECT_EQ(j["input"]["path"], c.input);
  EXPECT_GE(j["time"]["elapsed_s"].get<double>(), 0.0);
}

TEST(Run, PrintAsksForStampsRoutedMaze) {
  lb::RunConfig c = small_config();
  c.print = true;
  lb::RunResult r = lb::run(c, lb::Environment::gather());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.routed_maze.rfind("\nRouted Maze:\n[z = 0]\n", 0), 0u) << r.routed_maze;
}

// Each refusal is a failure with the schema's reason (and so its exit status),
// with as much of the result as the run got to.
TEST(Run, FailuresCarryTheSchemasReason) {
  lb::Environment env = lb::Environment::gather();
  auto failed = [&](lb::RunConfig c, lb::FailureReason want, const std::string& needle) {
    lb::RunResult r = lb::run(c, env);
    EXPECT_FALSE(r.ok());
    if (!r.failure) return r;
    EXPECT_EQ(r.failure->reason, want) << r.failure->message;
    EXPECT_NE(r.failure->message.find(needle), std::string::npos) << r.failure->message;
    nlohmann::json j = lb::make_record(c, r, env);
    EXPECT_EQ(j["status"], "failed");
    EXPECT_EQ(j["failure"]["reason"], lb::to_string(want));
    EXPECT_TRUE(j["time"].is_null());
    EXPECT_TRUE(j["tm_stats"].is_null());
    return r;
  };
  lb::RunConfig c = small_config();
  c.tm = "nosuch";
  EXPECT_FALSE(failed(c, lb::FailureReason::kUsage, "unknown TM runtime 'nosuch'").maze);  // before reading
  c = small_config();
  c.threads = 2;  // seq is one thread only
  lb::RunResult r = failed(c, lb::FailureReason::kUsage, "one thread only");
  EXPECT_TRUE(r.maze && r.prepared && !r.outcome);
  c = small_config();
  c.page_size = "2m";
  failed(c, lb::FailureReason::kUsage, "--page-size applies to --private-memory allocpage only");
  c = small_config();
  c.tm_opts = {"novalue"};
  failed(c, lb::FailureReason::kUsage, "--tm-opt takes KEY=VALUE");
  c = small_config();
  c.rules = "lee-tm";
  failed(c, lb::FailureReason::kUsage, "Lee-TM boards only");
  c = small_config();
  c.allocator = "nosuch-malloc";
  failed(c, lb::FailureReason::kUsage, "--allocator");
  c.allocator = "glibc";
  lb::Environment other = env;  // the environment is the run's one view of the process
  other.malloc = {"jemalloc", "/usr/lib/libjemalloc.so.2", std::nullopt};
  r = lb::run(c, other);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->reason, lb::FailureReason::kAllocatorMismatch) << r.failure->message;
  EXPECT_NE(r.failure->message.find("served by jemalloc"), std::string::npos) << r.failure->message;
  c.input = write_input("d 8 8 2\np 0 0 0 9 9 9\n");
  c.allocator = "glibc";
  r = failed(c, lb::FailureReason::kInput, ":2: destination (9, 9, 9) is outside");
  EXPECT_FALSE(r.maze);
  c = small_config();
  c.paths = ::testing::TempDir() + "/no-such-directory/paths.txt";
  r = failed(c, lb::FailureReason::kRuntime, "cannot write the paths to");
  EXPECT_TRUE(r.verified == false && r.summary);  // routed, but the run failed
  ASSERT_EQ(r.failure->details.size(), 1u);
  EXPECT_EQ(r.failure->details[0].rfind("--paths: ", 0), 0u);
}

TEST(RunError, ReasonsAndExitStatusesAreTheSchemas) {
  EXPECT_STREQ(lb::to_string(lb::FailureReason::kAllocatorMismatch), "allocator-mismatch");
  EXPECT_EQ(lb::exit_status(lb::FailureReason::kRuntime), 1);
  EXPECT_EQ(lb::exit_status(lb::FailureReason::kInput), 2);
  EXPECT_EQ(lb::exit_status(lb::FailureReason::kUsage), 2);
  EXPECT_EQ(lb::exit_status(lb::FailureReason::kVerification), 3);
  EXPECT_EQ(lb::exit_status(lb::FailureReason::kAllocatorMismatch), 4);
  lb::RunError e(lb::FailureReason::kResource, "no pages", {"detail"});
  lb::RunFailure f = e.failure();
  EXPECT_EQ(f.reason, lb::FailureReason::kResource);
  EXPECT_EQ(f.message, "no pages");
  EXPECT_EQ(f.details, std::vector<std::string>{"detail"});
}

// The layers under lb::run report through the same error type, with their reason.
TEST(RunError, TheLibrarysRefusalsCarryTheirReason) {
  auto reason_of = [](auto&& f) {
    try {
      f();
    } catch (const lb::RunError& e) {
      return std::string(lb::to_string(e.reason()));
    }
    return std::string("none");
  };
  std::string in = write_input(kSmall);
  EXPECT_EQ(reason_of([&] { lb::read_input_file(write_input("d 8 8 2\np 0 0 0 9 9 9\n")); }), "input");
  EXPECT_EQ(reason_of([&] { lb::check_outputs(in, {{"--json", in}}); }), "usage");
  EXPECT_EQ(reason_of([&] { lb::write_output(::testing::TempDir() + "/no-such-directory/out.json", "x"); }),
            "runtime");
  lb::Maze huge = lb::parse_maze("d 1 1 20000000\np 0 0 0 0 0 1\n", "huge.txt");
  EXPECT_EQ(reason_of([&] { lb::check_footprint(huge, 1024, uint64_t{1} << 30); }), "out-of-memory");
}

}  // namespace
