// The Lee-TM board reader (format in ../shared/inputs/lee-tm/README.md and
// labyrinth/BOARDS.md).  Manchester's readers ignore unknown letters, crash on
// a blank line or a missing `E`, and read no `B`; this one checks every line
// and reports the first problem with its file and line before any routing.
//
// Accepted (the real boards need it): trailing blanks, CRLF, no newline after
// the last line, repeated pads, pads no route uses, routes sharing a pad, no
// pads at all; also blank lines, and an optional `B w h` before the first
// P/J/C record (the board's size; 600 x 600 otherwise, always 2 layers).
// Refused: an unknown letter or a letter glued to its numbers, a wrong count
// of numbers, a token that is not a whole number, a point outside the board
// or on its outer ring (never routed), a chip whose corners are not lower-left
// then upper-right, a route whose ends are the same point, a second or late
// `B`, a missing `E`, anything but blank space after `E`; and, as for STAMP
// inputs, an empty file, a NUL byte or an overlong line.
#include "labyrinth/maze.hpp"
#include "labyrinth/whole_number.hpp"

namespace lb {
namespace {

constexpr int64_t kDefaultSide = 600;  // Manchester's GRID_SIZE
constexpr size_t kMaxLineBytes = 4096;
constexpr int64_t kMaxSide = int64_t{1} << 20;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }

class BoardParser {
 public:
  BoardParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Maze parse() {
    if (text_.empty()) throw InputError(name_, 0, "the file is empty");
    maze_.format = InputFormat::kLee;
    maze_.width = maze_.height = kDefaultSide;
    maze_.depth = 2;
    bool ended = false;
    size_t pos = 0;
    while (pos < text_.size()) {
      ++line_;
      size_t end = text_.find('\n', pos);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos, end - pos);
      pos = end + 1;
      if (line.size() > kMaxLineBytes)
        fail("line is " + std::to_string(line.size()) + " bytes long; no valid line is longer than " +
             std::to_string(kMaxLineBytes));
      if (line.find('\0') != std::string_view::npos) fail("line contains a NUL byte (not a text file?)");
      split(line);
      if (count_ == 0) continue;
      if (ended) fail("text after the 'E' line (line " + std::to_string(end_line_) + "): the board has ended");
      ended = record();
    }
    if (!ended)
      throw InputError(name_, line_, "the board has no 'E' line: it ends without its end record");
    return std::move(maze_);
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const { throw InputError(name_, line_, problem); }

  void split(std::string_view line) {
    count_ = 0;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_blank(line[i])) ++i;
      if (i == line.size()) break;
      size_t start = i;
      while (i < line.size() && !is_blank(line[i])) ++i;
      if (count_ < kMaxTokens) token_[count_] = line.substr(start, i - start);
      ++count_;
    }
  }

  void expect_numbers(char letter, size_t n, const char* shape) const {
    if (count_ - 1 != n)
      fail(std::string("'") + letter + "' takes " + std::to_string(n) + " numbers (" + shape + "), found " +
           std::to_string(count_ - 1));
  }

  // One definition of a whole number for every input (labyrinth/whole_number.hpp):
  // "+-3" is not -3 here either.
  int64_t number(size_t k) const {
    std::string_view t = token_[k];
    int64_t value = 0;
    WholeNumber r = parse_whole_number(t, &value);
    if (r == WholeNumber::kOutOfRange) fail("number '" + std::string(t.substr(0, 32)) + "' is out of range");
    if (r != WholeNumber::kOk) fail("'" + std::string(t.substr(0, 32)) + "' is not a whole number");
    return value;
  }

  std::string board() const { return std::to_string(maze_.width) + " x " + std::to_string(maze_.height); }

  // Routable cells only: the outer ring (x or y is 0 or the last) never is.
  void check_point(const char* what, int64_t x, int64_t y) const {
    std::string p = std::string(what) + " (" + std::to_string(x) + ", " + std::to_string(y) + ")";
    if (x < 0 || y < 0 || x >= maze_.width || y >= maze_.height) fail(p + " is outside the " + board() + " board");
    if (x == 0 || y == 0 || x == maze_.width - 1 || y == maze_.height - 1)
      fail(p + " is on the board's outer ring, which is never routed");
  }

  // One record; true at `E`.
  bool record() {
    std::string_view code = token_[0];
    if (code.size() != 1 || std::string_view("PJCEB").find(code[0]) == std::string_view::npos)
      fail("unknown record '" + std::string(code.substr(0, 16)) + "' (expected P, J, C, E or B, then numbers)");
    switch (code[0]) {
      case 'E':
        expect_numbers('E', 0, "E");
        end_line_ = line_;
        return true;
      case 'B': {
        expect_numbers('B', 2, "B width height");
        if (sized_) fail("second 'B' line (the first is line " + std::to_string(b_line_) + ")");
        if (records_ > 0) fail("'B' must come before every P, J and C line");
        int64_t w = number(1), h = number(2);
        if (w < 3 || h < 3 || w > kMaxSide || h > kMaxSide || w * h * 2 > max_grid_cells())
          fail("board size " + std::to_string(w) + " x " + std::to_string(h) +
               " is not usable: each side must be 3 to " + std::to_string(kMaxSide) +
               " and the 2-layer grid must fit this machine (" + std::to_string(max_grid_cells()) + " cells)");
        maze_.width = w;
        maze_.height = h;
        sized_ = true;
        b_line_ = line_;
        return false;
      }
      case 'P': {
        expect_numbers('P', 2, "P x y");
        Coord c{number(1), number(2), 0};
        check_point("pad", c.x, c.y);
        maze_.pads.push_back(c);
        break;
      }
      case 'J': {
        expect_numbers('J', 4, "J x1 y1 x2 y2");
        Pair p;
        p.src = {number(1), number(2), 0};
        p.dst = {number(3), number(4), 0};
        p.line = line_;
        check_point("route start", p.src.x, p.src.y);
        check_point("route end", p.dst.x, p.dst.y);
        if (p.src == p.dst)
          fail("route starts and ends at the same point (" + std::to_string(p.src.x) + ", " +
               std::to_string(p.src.y) + ")");
        maze_.pairs.push_back(p);
        break;
      }
      case 'C': {
        expect_numbers('C', 4, "C x0 y0 x1 y1");
        Chip c{number(1), number(2), number(3), number(4), line_};
        check_point("chip corner", c.x0, c.y0);
        check_point("chip corner", c.x1, c.y1);
        if (c.x0 > c.x1 || c.y0 > c.y1) fail("chip corners must be lower-left (x0 y0) then upper-right (x1 y1)");
        maze_.chips.push_back(c);
        break;
      }
    }
    ++records_;
    return false;
  }

  static constexpr size_t kMaxTokens = 6;  // the longest record has 5
  std::string_view text_;
  const std::string& name_;
  Maze maze_;
  int64_t line_ = 0, end_line_ = 0, b_line_ = 0, records_ = 0;
  bool sized_ = false;
  std::string_view token_[kMaxTokens];
  size_t count_ = 0;
};

}  // namespace

Maze parse_board(std::string_view text, const std::string& name) { return BoardParser(text, name).parse(); }

InputFormat detect_format(std::string_view text) {
  for (char c : text) {
    if (is_blank(c)) continue;
    return std::string_view("PJCEB").find(c) != std::string_view::npos ? InputFormat::kLee : InputFormat::kStamp;
  }
  return InputFormat::kStamp;
}

const char* to_string(InputFormat f) { return f == InputFormat::kLee ? "lee" : "stamp"; }

}  // namespace lb
