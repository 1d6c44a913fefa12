// The maze: grid dimensions, walls and the pairs to route, as read from a
// STAMP-format input (or generated), plus the order STAMP routes them in.
// A Lee-TM circuit board (board_reader.cpp) is a Maze too: two layers, pads
// and chips instead of walls, and 2-D route endpoints (z = 0, usable on
// either layer); labyrinth/BOARDS.md says how each rule set treats them.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "labyrinth/run_error.hpp"

namespace lb {

struct Coord {
  int64_t x = 0, y = 0, z = 0;
  friend bool operator==(const Coord&, const Coord&) = default;
};

struct Pair {
  Coord src, dst;
  int64_t line = 0;  // input line, for messages
};

// The two input formats (--format); detect_format() tells them apart.
enum class InputFormat { kStamp, kLee };

// A Lee-TM chip: every cell of the rectangle, corners included, on both layers.
struct Chip {
  int64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1
  int64_t line = 0;
};

struct Maze {
  int64_t width = 0, height = 0, depth = 0;  // x, y, z
  std::vector<Coord> walls;
  std::vector<Pair> pairs;  // in input order
  // Lee-TM boards only (format == kLee): pads (z = 0; a pad covers both
  // layers; repeats kept as read) and chips.  Pairs' z are 0 and mean "either layer".
  InputFormat format = InputFormat::kStamp;
  std::vector<Coord> pads;
  std::vector<Chip> chips;

  int64_t cells() const { return width * height * depth; }
  // STAMP's linear index, also the path hash's point encoding.
  int64_t index(const Coord& c) const { return (c.z * height + c.y) * width + c.x; }
  Coord coord(int64_t index) const {
    int64_t area = width * height;
    return {index % area % width, index % area / width, index / area};
  }
  bool contains(const Coord& c) const {
    return c.x >= 0 && c.x < width && c.y >= 0 && c.y < height && c.z >= 0 && c.z < depth;
  }
};

// A malformed input: names the file, the line (0 when it is about the whole
// file) and the problem.  what() is "FILE:LINE: problem".  A RunError with
// the reason `input` (run_error.hpp): a run that meets it fails as the schema says.
class InputError : public RunError {
 public:
  InputError(const std::string& file, int64_t line, const std::string& problem);
  const std::string& file() const { return file_; }
  int64_t line() const { return line_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  int64_t line_;
  std::string problem_;
};

// Reads a STAMP-format input.  Throws InputError for anything malformed,
// before any routing: see the reader's comment for the full list.
Maze read_maze_file(const std::string& path);
// The bytes of an input file, with the reader's checks on the file itself
// (a regular file, opened without blocking, at most 1 GiB).  Throws InputError.
std::string read_input_text(const std::string& path);
// The same on text already in memory; `name` is used in messages.
Maze parse_maze(std::string_view text, const std::string& name);

// Reads a Lee-TM board (board_reader.cpp); throws InputError as above.
Maze parse_board(std::string_view text, const std::string& name);
// A Lee-TM board if the first record's letter is one of P J C E B (upper
// case); STAMP's format otherwise (its letters are lower case).
InputFormat detect_format(std::string_view text);
// Reads a file in the given format, or in the one detected when `format`
// is null.  Throws InputError as above.
Maze read_input_file(const std::string& path, const InputFormat* format = nullptr);
const char* to_string(InputFormat f);

// The largest grid the reader accepts, in cells: the router indexes cells
// with 32-bit integers, and a grid must fit in this machine's memory.
int64_t max_grid_cells();

// The order STAMP routes pairs in: by decreasing Euclidean distance; among
// equal distances, later input lines first (STAMP inserts each pair into a
// sorted list in front of the first equal one).  Indices into maze.pairs.
std::vector<uint32_t> stamp_work_order(const Maze& maze);

}  // namespace lb
