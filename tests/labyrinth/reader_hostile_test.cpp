// The reader against what a hostile probe tried (issue 9): a path swapped to
// a FIFO while it is being opened, and numbers with more than one sign.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "labyrinth/maze.hpp"
#include "labyrinth/whole_number.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string problem_of(const std::string& text) {
  try {
    lb::parse_maze(text, "in.txt");
  } catch (const lb::InputError& e) {
    return e.problem();
  }
  return "";
}

TEST(ReaderSigns, ASignIsOneCharacterOnce) {
  for (const char* bad : {"+-0", "+-3", "-+3", "++3", "--3", "+", "-", "3-"}) {
    std::string text = std::string("d 4 4 1\np 0 0 0 ") + bad + " 1 0\n";
    EXPECT_NE(problem_of(text).find("is not a whole number"), std::string::npos) << bad << ": " << problem_of(text);
  }
  lb::Maze m = lb::parse_maze("d +4 4 1\np 0 0 -0 +3 1 0\n", "in.txt");
  EXPECT_EQ(m.width, 4);
  EXPECT_EQ(m.pairs[0].dst.x, 3);
  EXPECT_NE(problem_of("d 4 4 1\np 0 0 0 -3 1 0\n").find("outside"), std::string::npos);  // -3 is a number
}

TEST(WholeNumber, OneSignDigitsOnlyWithinInt64) {
  int64_t v = 0;
  EXPECT_EQ(lb::parse_whole_number("9223372036854775807", &v), lb::WholeNumber::kOk);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(lb::parse_whole_number("-9223372036854775808", &v), lb::WholeNumber::kOk);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(lb::parse_whole_number("9223372036854775808", &v), lb::WholeNumber::kOutOfRange);
  EXPECT_EQ(lb::parse_whole_number("99999999999999999999", &v), lb::WholeNumber::kOutOfRange);
  for (const char* bad : {"", "+-1", "0x10", "1e3", " 1", "1 ", "1.0", "--1"})
    EXPECT_EQ(lb::parse_whole_number(bad, &v), lb::WholeNumber::kNotANumber) << bad;
  EXPECT_EQ(lb::check_int_option("99999999999999999999", 0, INT64_MAX), "99999999999999999999 is out of range [0, 9223372036854775807]");
  EXPECT_EQ(lb::check_int_option("0", 1, 1024), "0 is out of range [1, 1024]");
  EXPECT_EQ(lb::check_int_option("+-3", 0, 10), "'+-3' is not a whole number");
  EXPECT_EQ(lb::check_int_option("7", 0, 10), "");
}

TEST(Reader, AFifoIsRefusedWithoutBlocking) {
  fs::path fifo = fs::path(::testing::TempDir()) / "reader-fifo";
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    lb::read_maze_file(fifo.string());
    ADD_FAILURE() << "a FIFO was read";
  } catch (const lb::InputError& e) {
    EXPECT_NE(e.problem().find("not a regular file"), std::string::npos) << e.what();
  }
  fs::remove(fifo);
}

// The path flips between a regular file and a FIFO while the reader reads it
// again and again.  A reader that looks (stat) before it opens can be sent
// into open() on a FIFO with no writer, which blocks for good; one that
// opens without blocking and looks at what it opened (fstat) never blocks.
// A blocked reader is released at the end (a writer opens each FIFO) and
// counted, so the test fails rather than hangs.
TEST(Reader, APathSwappedToAFifoNeverBlocksTheReader) {
  fs::path dir = fs::path(::testing::TempDir()) / "reader-swap";
  fs::remove_all(dir);
  fs::create_directories(dir / "keep");
  const fs::path path = dir / "input.txt";
  auto put_regular = [&] {
    std::ofstream(dir / "regular.tmp") << "d 4 4 1\np 0 0 0 3 3 0\n";
    fs::rename(dir / "regular.tmp", path);
  };
  put_regular();
  std::atomic<bool> stop{false}, finished{false};
  std::atomic<uint64_t> reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      try {
        lb::read_maze_file(path.string());
      } catch (const lb::InputError&) {
      }
      reads.fetch_add(1);
    }
    finished.store(true);
  });
  std::vector<fs::path> fifos;
  auto until = Clock::now() + std::chrono::milliseconds(1500);
  for (int i = 0; Clock::now() < until; ++i) {
    fs::path keep = dir / "keep" / std::to_string(i);  // a second name, to release a blocked reader
    ASSERT_EQ(::mkfifo(keep.c_str(), 0600), 0);
    fifos.push_back(keep);
    ASSERT_EQ(::link(keep.c_str(), (dir / "fifo.tmp").c_str()), 0);
    fs::rename(dir / "fifo.tmp", path);
    put_regular();
  }
  stop.store(true);
  for (int i = 0; i < 200 && !finished.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  bool blocked = !finished.load();
  while (!finished.load()) {  // release it: a writer on every FIFO it may be waiting for
    for (const fs::path& f : fifos) {
      int fd = ::open(f.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  reader.join();
  EXPECT_FALSE(blocked) << "the reader blocked opening a FIFO after " << reads.load() << " reads";
  EXPECT_GT(reads.load(), 10u);
  fs::remove_all(dir);
}

}  // namespace
