// One test per class of malformed input the reader must refuse, each
// checking that the message names the line and the problem.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "labyrinth/maze.hpp"

namespace {

// Parses `text`; expects an InputError at `line` whose problem contains `needle`.
void expect_error(const std::string& text, int64_t line, const std::string& needle) {
  try {
    lb::parse_maze(text, "in.txt");
    FAIL() << "accepted:\n" << text;
  } catch (const lb::InputError& e) {
    EXPECT_EQ(e.file(), "in.txt");
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(e.problem().find(needle), std::string::npos) << "message: " << e.what();
    if (line > 0) {
      EXPECT_EQ(std::string(e.what()).rfind("in.txt:" + std::to_string(line) + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(Reader, AcceptsStampFormat) {
  lb::Maze m = lb::parse_maze("# Dimensions (x, y, z)\nd  4 5 2\n\n# Paths\np    0   1 0     3   4 1\nw 2 2 1\n", "in.txt");
  EXPECT_EQ(m.width, 4);
  EXPECT_EQ(m.height, 5);
  EXPECT_EQ(m.depth, 2);
  ASSERT_EQ(m.pairs.size(), 1u);
  EXPECT_EQ(m.pairs[0].src, (lb::Coord{0, 1, 0}));
  EXPECT_EQ(m.pairs[0].dst, (lb::Coord{3, 4, 1}));
  EXPECT_EQ(m.pairs[0].line, 5);
  ASSERT_EQ(m.walls.size(), 1u);
}

TEST(Reader, AcceptsDimensionsAfterPairsCrlfAndTrailingComments) {
  lb::Maze m = lb::parse_maze("p 0 0 0 1 1 0 # a comment\r\n  # indented comment\r\nd 2 2 1\r\n", "in.txt");
  EXPECT_EQ(m.pairs.size(), 1u);
  EXPECT_EQ(m.width, 2);
}

TEST(Reader, EmptyFile) { expect_error("", 0, "empty"); }
TEST(Reader, MissingDimensions) { expect_error("# only a comment\np 0 0 0 1 1 0\n", 0, "no 'd' line"); }
TEST(Reader, RepeatedDimensions) { expect_error("d 4 4 1\np 0 0 0 1 1 0\nd 5 5 1\n", 3, "second 'd' line (the first is line 1)"); }
TEST(Reader, WrongTokenCountD) { expect_error("d 4 4\n", 1, "'d' takes 3 numbers"); }
TEST(Reader, WrongTokenCountP) { expect_error("d 4 4 1\np 0 0 0 1 1\n", 2, "'p' takes 6 numbers"); }
TEST(Reader, WrongTokenCountW) { expect_error("d 4 4 1\nw 0 0 0 1\n", 2, "'w' takes 3 numbers"); }
TEST(Reader, NonNumeric) { expect_error("d 4 four 1\n", 1, "'four' is not a whole number"); }
TEST(Reader, TrailingGarbageInNumber) { expect_error("d 4 4 1\np 0 0 0 1 1x 0\n", 2, "'1x' is not a whole number"); }
TEST(Reader, TrailingGarbageToken) { expect_error("d 4 4 1 junk\n", 1, "'d' takes 3 numbers"); }
TEST(Reader, NumberOutOfRange) { expect_error("d 99999999999999999999 4 1\n", 1, "out of range"); }
TEST(Reader, UnknownLineType) { expect_error("d 4 4 1\nq 1 2 3\n", 2, "unknown line type 'q'"); }
TEST(Reader, SourceOutsideGrid) { expect_error("d 4 4 1\np 4 0 0 1 1 0\n", 2, "source (4, 0, 0) is outside the 4 x 4 x 1 grid"); }
TEST(Reader, DestinationOutsideGrid) { expect_error("d 4 4 1\np 0 0 0 1 -1 0\n", 2, "destination (1, -1, 0) is outside"); }
TEST(Reader, WallOutsideGrid) { expect_error("d 4 4 1\nw 0 0 1\n", 2, "wall (0, 0, 1) is outside"); }
TEST(Reader, WallOnEndpoint) { expect_error("d 4 4 1\np 0 0 0 1 1 0\nw 1 1 0\n", 3, "on an endpoint of the pair at line 2"); }
TEST(Reader, SourceEqualsDestination) { expect_error("d 4 4 1\np 1 1 0 1 1 0\n", 2, "source and destination are the same point (1, 1, 0)"); }
TEST(Reader, DimensionBelowOne) { expect_error("d 4 0 1\n", 1, "at least 1, got 4 0 1"); }
TEST(Reader, NegativeDimension) { expect_error("d -4 4 1\n", 1, "at least 1"); }
TEST(Reader, GridTooLargeForMemory) {
  // ~8 * 10^15 cells: names the size it would need rather than crashing on allocation.
  expect_error("d 2000000 2000000 2000\n", 1, "is too large: it needs");
}
TEST(Reader, GridOverflowingSixtyFourBits) { expect_error("d 9223372036854775807 9223372036854775807 2\n", 1, "is too large"); }
TEST(Reader, LineTooLong) { expect_error("d 4 4 1\n#" + std::string(5000, 'x') + "\n", 2, "bytes long"); }
TEST(Reader, NulByte) { expect_error(std::string("d 4 4 1\np 0 0 0\0 1 1 0\n", 21), 2, "NUL byte"); }

TEST(Reader, UnreadableFile) {
  try {
    lb::read_maze_file("/nonexistent/dir/input.txt");
    FAIL();
  } catch (const lb::InputError& e) {
    EXPECT_EQ(e.file(), "/nonexistent/dir/input.txt");
    EXPECT_NE(e.problem().find("cannot read"), std::string::npos) << e.what();
  }
}

TEST(Reader, NotARegularFile) {
  try {
    lb::read_maze_file("/dev/zero");  // would never end if read
    FAIL();
  } catch (const lb::InputError& e) {
    EXPECT_NE(e.problem().find("not a regular file"), std::string::npos) << e.what();
  }
}

TEST(Reader, EmptyFileOnDisk) {
  std::string path = ::testing::TempDir() + "/empty-input.txt";
  std::ofstream(path).close();
  try {
    lb::read_maze_file(path);
    FAIL();
  } catch (const lb::InputError& e) {
    EXPECT_NE(e.problem().find("empty"), std::string::npos) << e.what();
  }
}

TEST(WorkOrder, DecreasingDistanceLaterLineFirstOnTies) {
  // Distances: pair 0: 1, pair 1: 3, pair 2: 1, pair 3: 2.
  lb::Maze m = lb::parse_maze("d 8 8 1\np 0 0 0 1 0 0\np 0 0 0 3 0 0\np 5 5 0 5 6 0\np 0 2 0 0 4 0\n", "in.txt");
  EXPECT_EQ(lb::stamp_work_order(m), (std::vector<uint32_t>{1, 3, 2, 0}));
}

}  // namespace
