// The maze: grid dimensions, walls and the pairs to route, as read from a
// STAMP-format input (or generated), plus the order STAMP routes them in.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lb {

struct Coord {
  int64_t x = 0, y = 0, z = 0;
  friend bool operator==(const Coord&, const Coord&) = default;
};

struct Pair {
  Coord src, dst;
  int64_t line = 0;  // input line, for messages
};

struct Maze {
  int64_t width = 0, height = 0, depth = 0;  // x, y, z
  std::vector<Coord> walls;
  std::vector<Pair> pairs;  // in input order

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
// file) and the problem.  what() is "FILE:LINE: problem".
class InputError : public std::runtime_error {
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
std::string read_input_file(const std::string& path);
// The same on text already in memory; `name` is used in messages.
Maze parse_maze(std::string_view text, const std::string& name);

// The largest grid the reader accepts, in cells: the router indexes cells
// with 32-bit integers, and a grid must fit in this machine's memory.
int64_t max_grid_cells();

// The order STAMP routes pairs in: by decreasing Euclidean distance; among
// equal distances, later input lines first (STAMP inserts each pair into a
// sorted list in front of the first equal one).  Indices into maze.pairs.
std::vector<uint32_t> stamp_work_order(const Maze& maze);

}  // namespace lb
