// How --json and --paths write (labyrinth/output_file.hpp), through the real
// binary (issue 9: the record was written to PATH.tmp and renamed over PATH,
// which replaced /dev/null with a regular file when run as root, replaced
// symlinks, left DIR.tmp behind, overwrote the input, and lost the paths
// when both options named one file).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tests/common/run_command.hpp"

namespace {

namespace fs = std::filesystem;

class CliOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("cli-output-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    input_ = (dir_ / "in.txt").string();
    std::ofstream(input_) << kInput;
  }
  void TearDown() override { fs::remove_all(dir_); }

  lb_test::CommandResult run(const std::string& args) {
    return lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + input_ + " " + args + " 2>&1");
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  // Nothing but what the test made: no temporary file left behind.
  void expect_only(std::initializer_list<std::string> names) {
    std::set<std::string> want(names.begin(), names.end()), have;
    for (const auto& e : fs::directory_iterator(dir_)) have.insert(e.path().filename().string());
    EXPECT_EQ(have, want);
  }

  static constexpr const char* kInput = "d 8 8 2\np 0 0 0 7 7 1\np 0 7 0 7 0 0\n";
  fs::path dir_;
  std::string input_;
};

TEST_F(CliOutput, RegularFileIsReplacedWholeAndNoTemporaryFileStays) {
  fs::path json = dir_ / "run.json";
  std::ofstream(json) << "old contents that are longer than nothing\n";
  auto r = run("--json " + json.string() + " --paths " + (dir_ / "paths.txt").string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(slurp(json).rfind("{\"allocator\"", 0), 0u) << slurp(json);
  EXPECT_EQ(slurp(dir_ / "paths.txt").substr(0, 2), "2:");  // pair on line 2 (routed first or second)
  expect_only({"in.txt", "run.json", "paths.txt"});
}

TEST_F(CliOutput, SymlinkIsFollowedAndStaysALink) {
  fs::path target = dir_ / "target.json", link = dir_ / "link.json";
  std::ofstream(target) << "x\n";
  fs::create_symlink(target.filename(), link);
  auto r = run("--json " + link.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_NE(slurp(target).find("\"status\":\"ok\""), std::string::npos);
  expect_only({"in.txt", "target.json", "link.json"});
}

TEST_F(CliOutput, DanglingSymlinkIsRefusedBeforeRouting) {
  fs::create_symlink("nowhere.json", dir_ / "dangling.json");
  auto r = run("--json " + (dir_ / "dangling.json").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("a symbolic link to nothing"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Paths routed"), std::string::npos) << "refused only after routing";
}

TEST_F(CliOutput, DirectoryIsRefusedBeforeRoutingAndLeavesNothing) {
  fs::create_directory(dir_ / "out");
  auto r = run("--json " + (dir_ / "out").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("is a directory"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Paths routed"), std::string::npos);
  expect_only({"in.txt", "out"});
}

TEST_F(CliOutput, InputAsOutputIsRefused) {
  for (const char* option : {"--json", "--paths"}) {
    auto r = run(std::string(option) + " " + input_);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("is the input file"), std::string::npos) << r.output;
    EXPECT_EQ(slurp(input_), kInput);
  }
  fs::create_symlink("in.txt", dir_ / "alias.txt");  // the input by another name
  auto r = run("--json " + (dir_ / "alias.txt").string());
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(slurp(input_), kInput);
}

TEST_F(CliOutput, OneFileForBothOutputsIsRefused) {
  std::string x = (dir_ / "x").string();
  auto r = run("--json " + x + " --paths " + x);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("is the same file as --json"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(x));
}

TEST_F(CliOutput, CharacterDeviceIsWrittenInPlaceNotReplaced) {
  // A null device of our own (as /dev/null is 1:3), so the test never touches /dev.
  fs::path dev = dir_ / "null";
  if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "mknod needs root";
  auto r = run("--json " + dev.string() + " --paths " + dev.string());  // a device may be both
  ASSERT_EQ(r.status, 0) << r.output;
  struct stat st;
  ASSERT_EQ(::stat(dev.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device node was replaced";
  expect_only({"in.txt", "null"});
}

TEST_F(CliOutput, FifoIsWrittenInPlaceAndOneWithoutAReaderFailsInsteadOfHanging) {
  fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto lonely = run("--json " + fifo.string());  // nobody reads: must not block
  EXPECT_EQ(lonely.status, 1) << lonely.output;
  EXPECT_NE(lonely.output.find("a FIFO with no reader"), std::string::npos) << lonely.output;

  // A reader that is there before the writer (non-blocking open), read
  // once the run is over: one record fits in the pipe's buffer.
  int rd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(rd, 0);
  auto r = run("--json " + fifo.string());
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::read(rd, buf, sizeof buf)) > 0;) got.append(buf, size_t(n));
  ::close(rd);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(got.find("\"status\":\"ok\""), std::string::npos) << got;
  EXPECT_TRUE(fs::is_fifo(fifo));
  expect_only({"in.txt", "fifo"});
}

}  // namespace
