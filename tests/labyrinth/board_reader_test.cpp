// The Lee-TM board reader: every quirk of the real boards accepted, every
// malformed case refused with its file and line, the format detected.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "labyrinth/maze.hpp"

namespace {

void expect_error(const std::string& text, int64_t line, const std::string& needle) {
  try {
    lb::parse_board(text, "b.txt");
    FAIL() << "accepted:\n" << text;
  } catch (const lb::InputError& e) {
    EXPECT_EQ(e.file(), "b.txt");
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(e.problem().find(needle), std::string::npos) << "message: " << e.what();
    if (line > 0) {
      EXPECT_EQ(std::string(e.what()).rfind("b.txt:" + std::to_string(line) + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(BoardReader, ReadsRecordsWithManchesterDefaults) {
  lb::Maze m = lb::parse_board("P 10 20\nC 5 5 7 8\nJ 10 20 30 40\nE\n", "b.txt");
  EXPECT_EQ(m.format, lb::InputFormat::kLee);
  EXPECT_EQ(m.width, 600);
  EXPECT_EQ(m.height, 600);
  EXPECT_EQ(m.depth, 2);
  ASSERT_EQ(m.pads.size(), 1u);
  EXPECT_EQ(m.pads[0], (lb::Coord{10, 20, 0}));
  ASSERT_EQ(m.chips.size(), 1u);
  EXPECT_EQ(m.chips[0].x1, 7);
  EXPECT_EQ(m.chips[0].y1, 8);
  ASSERT_EQ(m.pairs.size(), 1u);
  EXPECT_EQ(m.pairs[0].src, (lb::Coord{10, 20, 0}));
  EXPECT_EQ(m.pairs[0].dst, (lb::Coord{30, 40, 0}));
  EXPECT_EQ(m.pairs[0].line, 3);
  EXPECT_TRUE(m.walls.empty());
}

TEST(BoardReader, AcceptsTheRealBoardsQuirks) {
  // Trailing blanks, CRLF, a blank line, a repeated pad, a pad no route
  // uses, two routes sharing a pad, no newline after E.
  lb::Maze m = lb::parse_board("P 3 3 \r\nP 3 3\nP 9 9\n\nP 5 5\nJ 3 3 5 5 \nJ 5 5 7 2\nE", "b.txt");
  EXPECT_EQ(m.pads.size(), 4u);  // repeats kept as read: they occupy the same cell
  EXPECT_EQ(m.pairs.size(), 2u);
  EXPECT_EQ(lb::parse_board("J 1 1 2 2\nE\n", "b.txt").pads.size(), 0u);  // no pads at all
  EXPECT_NO_THROW(lb::parse_board("J 1 1 2 2\nE\n \n\t\n", "b.txt"));     // blank space after E
}

TEST(BoardReader, BoardSizeLine) {
  lb::Maze m = lb::parse_board("B 20 10\nJ 1 1 18 8\nE\n", "b.txt");
  EXPECT_EQ(m.width, 20);
  EXPECT_EQ(m.height, 10);
  EXPECT_EQ(m.depth, 2);
  expect_error("B 20 10\nJ 1 1 19 8\nE\n", 2, "route end (19, 8) is on the board's outer ring");
  expect_error("J 1 1 2 2\nB 20 10\nE\n", 2, "'B' must come before");
  expect_error("B 20 10\nB 20 10\nE\n", 2, "second 'B' line (the first is line 1)");
  expect_error("B 2 10\nE\n", 1, "board size 2 x 10 is not usable");
}

TEST(BoardReader, Refusals) {
  expect_error("", 0, "empty");
  expect_error("P 1 1\nQ 1 2\nE\n", 2, "unknown record 'Q'");
  expect_error("P 1 1\np 1 2\nE\n", 2, "unknown record 'p'");
  expect_error("P1 1\nE\n", 1, "unknown record 'P1'");
  expect_error("P 1 1\nJ 1 1 2 2\n", 2, "no 'E' line");
  expect_error("P 1 x\nE\n", 1, "'x' is not a whole number");
  expect_error("P 1 2.5\nE\n", 1, "'2.5' is not a whole number");
  expect_error("P 1 99999999999999999999\nE\n", 1, "out of range");
  expect_error("P 5 +-3\nE\n", 1, "'+-3' is not a whole number");  // one sign, as in STAMP inputs
  expect_error("P 5 ++3\nE\n", 1, "'++3' is not a whole number");
  expect_error("P 1 2 3\nE\n", 1, "'P' takes 2 numbers");
  expect_error("J 1 2 3\nE\n", 1, "'J' takes 4 numbers");
  expect_error("E 1\n", 1, "'E' takes 0 numbers");
  expect_error("P 600 5\nE\n", 1, "pad (600, 5) is outside the 600 x 600 board");
  expect_error("P 5 -1\nE\n", 1, "pad (5, -1) is outside");
  expect_error("P 0 5\nE\n", 1, "pad (0, 5) is on the board's outer ring");
  expect_error("J 5 5 5 599\nE\n", 1, "route end (5, 599) is on the board's outer ring");
  expect_error("J 5 5 5 5\nE\n", 1, "starts and ends at the same point (5, 5)");
  expect_error("C 5 5 4 8\nE\n", 1, "lower-left");
  expect_error("C 5 5 4\nE\n", 1, "'C' takes 4 numbers");
  expect_error("P 1 1\nE\nP 2 2\n", 3, "text after the 'E' line (line 2)");
  expect_error("E\n\nx\n", 3, "text after the 'E' line");
  expect_error(std::string("P 1 1\n") + '\0' + "\nE\n", 2, "NUL");
}

TEST(BoardReader, DetectsTheFormat) {
  EXPECT_EQ(lb::detect_format("P 1 1\nE\n"), lb::InputFormat::kLee);
  EXPECT_EQ(lb::detect_format("\n  B 10 10\n"), lb::InputFormat::kLee);
  EXPECT_EQ(lb::detect_format("# STAMP\nd 4 4 1\n"), lb::InputFormat::kStamp);
  EXPECT_EQ(lb::detect_format("d 4 4 1\n"), lb::InputFormat::kStamp);
  EXPECT_EQ(lb::detect_format(""), lb::InputFormat::kStamp);
}

// The five boards from ../shared (never committed): pads and routes as the
// README counts them.
TEST(BoardReader, ReadsTheFiveBoards) {
  const std::string dir = std::string(LB_SHARED_DIR) + "/inputs/lee-tm/";
  if (!std::filesystem::exists(dir + "mainboard.txt")) GTEST_SKIP() << "no Lee-TM boards in " << dir;
  struct Expect {
    const char* name;
    size_t pads, distinct, routes;
  };
  for (const Expect& e : {Expect{"mainboard", 3146, 3146, 1506}, Expect{"memboard", 4412, 4412, 3101},
                          Expect{"sparselong", 58, 58, 29}, Expect{"sparseshort", 0, 0, 841},
                          Expect{"testBoard", 406, 369, 203}}) {
    lb::Maze m = lb::read_input_file(dir + e.name + ".txt");  // detected
    EXPECT_EQ(m.format, lb::InputFormat::kLee) << e.name;
    EXPECT_EQ(m.pads.size(), e.pads) << e.name;
    std::set<std::pair<int64_t, int64_t>> distinct;
    for (const lb::Coord& p : m.pads) distinct.insert({p.x, p.y});
    EXPECT_EQ(distinct.size(), e.distinct) << e.name;
    EXPECT_EQ(m.pairs.size(), e.routes) << e.name;
  }
}

}  // namespace
