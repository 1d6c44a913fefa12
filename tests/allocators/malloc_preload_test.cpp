// Every general-purpose malloc of the table is actually detected when it is
// asked for: malloc_probe runs with each library preloaded (by hand, and by
// the re-execution helper), and must report that library and its version.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "allocators/malloc_select.hpp"
#include "tests/common/run_command.hpp"

namespace {

std::map<std::string, std::string> run_probe(const std::string& preload, const std::string& reexec_name = "") {
  std::string cmd = "env -u LD_PRELOAD ";
  if (!preload.empty()) cmd += "LD_PRELOAD=" + preload + " ";
  cmd += LB_MALLOC_PROBE;
  if (!reexec_name.empty()) cmd += " --reexec " + reexec_name;
  lb_test::CommandResult r = lb_test::run_command(cmd);
  std::map<std::string, std::string> kv;
  std::istringstream lines(r.output);
  for (std::string s; std::getline(lines, s);) {
    size_t eq = s.find('=');
    if (eq != std::string::npos) kv[s.substr(0, eq)] = s.substr(eq + 1);
  }
  kv["exit"] = std::to_string(r.status);
  return kv;
}

std::string real(const std::string& p) {
  char buf[PATH_MAX];
  return realpath(p.c_str(), buf) ? buf : p;
}

class Preload : public ::testing::TestWithParam<std::string> {};

TEST_P(Preload, TheAskedForMallocIsDetected) {
  malloc_choice c = malloc_resolve(GetParam());
  ASSERT_TRUE(c.error.empty()) << c.error;
  auto kv = run_probe(c.preload);
  ASSERT_EQ(kv["exit"], "0");
  EXPECT_EQ(kv["name"], GetParam());
  if (!c.preload.empty()) {
    EXPECT_EQ(kv["library"], real(c.preload));
  }
  if (GetParam() != "tbbmalloc") {
    EXPECT_NE(kv["version"], "(none)") << "its library reports a version";
  }
  malloc_detected d{kv["name"], kv["library"], std::nullopt};
  EXPECT_EQ(malloc_mismatch(c, d), "");
}

TEST_P(Preload, ReexecutionPreloadsItWithoutHelp) {
  auto kv = run_probe("", GetParam());
  ASSERT_EQ(kv["exit"], "0");
  EXPECT_EQ(kv["name"], GetParam());
  EXPECT_EQ(kv["mismatch"], "");
  malloc_choice c = malloc_resolve(GetParam());
  EXPECT_EQ(kv["ld_preload"], c.preload);
}

INSTANTIATE_TEST_SUITE_P(EveryAllocator, Preload,
                         ::testing::Values("glibc", "jemalloc", "mimalloc", "tbbmalloc", "tcmalloc"),
                         [](const auto& info) { return info.param; });

TEST(PreloadByPath, ALibraryNamedByPathIsDetectedByPath) {
  std::string path = malloc_resolve("jemalloc").preload;
  ASSERT_FALSE(path.empty());
  auto kv = run_probe("", path);
  ASSERT_EQ(kv["exit"], "0");
  EXPECT_EQ(kv["library"], real(path));
  EXPECT_EQ(kv["mismatch"], "");
}

TEST(PreloadMismatch, APreloadOfAnotherMallocIsCaught) {
  // Asked for jemalloc, which is preloaded already, but behind mimalloc: the
  // re-execution leaves LD_PRELOAD alone, mimalloc serves, detection says so.
  auto kv = run_probe(malloc_resolve("mimalloc").preload + ":" + malloc_resolve("jemalloc").preload, "jemalloc");
  ASSERT_EQ(kv["exit"], "0");
  EXPECT_EQ(kv["name"], "mimalloc");
  EXPECT_NE(kv["mismatch"].find("asked for jemalloc"), std::string::npos) << kv["mismatch"];
}

}  // namespace
