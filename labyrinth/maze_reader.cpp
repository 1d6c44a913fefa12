// The STAMP-format reader.  Stricter than STAMP's maze_read(): every line is
// checked as a whole, and every problem is reported with its file and line
// before any routing starts (exit status 2 in the command-line tool).
//
// Refused: a file that cannot be opened or is not a regular file (a FIFO or
// device could hang or never end; checked on the open descriptor), an empty file, a file over 1 GiB, a NUL
// byte, a line over kMaxLineBytes, an unknown line type, a missing or repeated
// `d` line, a wrong number of tokens, a token that is not a whole number
// (trailing garbage included), a number out of range, dimensions below 1 or
// too large for this machine, a point outside the grid, a pair whose source
// is its destination, a wall on a pair's endpoint.
// Accepted as STAMP does: blank lines, `#` comment lines, `d`/`p` lines in
// any order, CRLF line ends; also a `#` comment after a complete line.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "labyrinth/maze.hpp"
#include "labyrinth/whole_number.hpp"

namespace lb {
namespace {

// Longer than any valid line: a `p` line of six 20-digit numbers with
// generous spacing is well under this.  STAMP's own reader used 256.
constexpr size_t kMaxLineBytes = 4096;
constexpr int64_t kMaxFileBytes = int64_t{1} << 30;

std::string describe(const Coord& c) {
  return "(" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", " + std::to_string(c.z) + ")";
}

std::string message_for(const std::string& file, int64_t line, const std::string& problem) {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + problem : file + ": " + problem;
}

class LineParser {
 public:
  LineParser(const std::string& file, int64_t line) : file_(file), line_(line) {}

  [[noreturn]] void fail(const std::string& problem) const { throw InputError(file_, line_, problem); }

  int64_t number(std::string_view token) const {
    int64_t value = 0;
    switch (parse_whole_number(token, &value)) {  // one sign at most: "+-3" is not a number
      case WholeNumber::kOk: return value;
      case WholeNumber::kOutOfRange: fail("number '" + std::string(token) + "' is out of range");
      case WholeNumber::kNotANumber: break;
    }
    fail("'" + std::string(token) + "' is not a whole number");
  }

 private:
  const std::string& file_;
  int64_t line_;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Splits a line into whitespace-separated tokens, stopping at a `#` that
// starts a token (a trailing comment).  At most 8 tokens are kept: every
// valid line has at most 7, and `count` still counts them all.
struct Tokens {
  std::string_view token[8];
  size_t count = 0;
};

Tokens tokenize(std::string_view line) {
  Tokens t;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i == line.size() || (line[i] == '#' && t.count > 0)) break;
    size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (t.count < 8) t.token[t.count] = line.substr(start, i - start);
    ++t.count;
  }
  return t;
}

void check_dimensions(const Maze& m, const std::string& file, int64_t line) {
  if (m.width < 1 || m.height < 1 || m.depth < 1)
    throw InputError(file, line,
                     "dimensions must be at least 1, got " + std::to_string(m.width) + " " +
                         std::to_string(m.height) + " " + std::to_string(m.depth));
  // A hostile line may hold numbers near 2^63: no dimension above 2^32 can
  // pass, and below that the products fit in 128 bits.
  bool huge = m.width > UINT32_MAX || m.height > UINT32_MAX || m.depth > UINT32_MAX;
  __int128 cells = huge ? 0 : (__int128)m.width * m.height * m.depth;
  // The router's private grid pads each row and each plane by one cell and
  // indexes it with 32-bit integers.
  __int128 padded = huge ? 0 : ((__int128)m.width + 1) * ((__int128)m.height + 1) * m.depth + m.width + 1;
  if (huge || cells > max_grid_cells() || padded > (__int128)UINT32_MAX) {
    long double bytes = (long double)m.width * (long double)m.height * (long double)m.depth * 8 * 2;
    char need[64];
    std::snprintf(need, sizeof need, "%.3Lg GiB", bytes / (1024.0L * 1024 * 1024));
    long double have = (long double)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    char has[64];
    std::snprintf(has, sizeof has, "%.3Lg GiB", have / (1024.0L * 1024 * 1024));
    throw InputError(file, line,
                     "grid " + std::to_string(m.width) + " x " + std::to_string(m.height) + " x " +
                         std::to_string(m.depth) + " is too large: it needs " + need +
                         " (8-byte cells, the shared grid and one private copy per thread); this machine has " +
                         has + " and the router indexes at most 2^32 cells");
  }
}

}  // namespace

InputError::InputError(const std::string& file, int64_t line, const std::string& problem)
    : RunError(FailureReason::kInput, message_for(file, line, problem)), file_(file), line_(line), problem_(problem) {}

int64_t max_grid_cells() {
  // The shared grid and at least one private copy, 8 bytes a cell.
  int64_t memory = int64_t{sysconf(_SC_PHYS_PAGES)} * sysconf(_SC_PAGESIZE);
  return std::min<int64_t>(memory / 16, int64_t{UINT32_MAX});
}

Maze parse_maze(std::string_view text, const std::string& name) {
  if (text.empty()) throw InputError(name, 0, "the file is empty");
  Maze maze;
  int64_t d_line = 0;
  std::vector<int64_t> wall_lines;
  int64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    LineParser p(name, line_no);
    if (line.size() > kMaxLineBytes)
      p.fail("line is " + std::to_string(line.size()) + " bytes long; no valid line is longer than " +
             std::to_string(kMaxLineBytes));
    if (line.find('\0') != std::string_view::npos) p.fail("line contains a NUL byte (not a text file?)");

    Tokens t = tokenize(line);
    if (t.count == 0 || t.token[0].front() == '#') continue;  // blank or comment
    std::string_view code = t.token[0];
    if (code == "d") {
      if (t.count != 4) p.fail("'d' takes 3 numbers (d X Y Z), found " + std::to_string(t.count - 1));
      if (d_line != 0) p.fail("second 'd' line (the first is line " + std::to_string(d_line) + ")");
      maze.width = p.number(t.token[1]);
      maze.height = p.number(t.token[2]);
      maze.depth = p.number(t.token[3]);
      check_dimensions(maze, name, line_no);
      d_line = line_no;
    } else if (code == "p") {
      if (t.count != 7) p.fail("'p' takes 6 numbers (p x1 y1 z1 x2 y2 z2), found " + std::to_string(t.count - 1));
      Pair pair;
      pair.src = {p.number(t.token[1]), p.number(t.token[2]), p.number(t.token[3])};
      pair.dst = {p.number(t.token[4]), p.number(t.token[5]), p.number(t.token[6])};
      pair.line = line_no;
      if (pair.src == pair.dst) p.fail("source and destination are the same point " + describe(pair.src));
      maze.pairs.push_back(pair);
    } else if (code == "w") {
      if (t.count != 4) p.fail("'w' takes 3 numbers (w x y z), found " + std::to_string(t.count - 1));
      maze.walls.push_back({p.number(t.token[1]), p.number(t.token[2]), p.number(t.token[3])});
      wall_lines.push_back(line_no);
    } else {
      p.fail("unknown line type '" + std::string(code.substr(0, 16)) + "' (expected d, p, w or #)");
    }
  }
  if (d_line == 0) throw InputError(name, 0, "no 'd' line: the grid dimensions are missing");

  // Points are checked once the dimensions are known (STAMP allows `d` last).
  auto grid = [&] {
    return std::to_string(maze.width) + " x " + std::to_string(maze.height) + " x " + std::to_string(maze.depth);
  };
  for (const Pair& pair : maze.pairs) {
    if (!maze.contains(pair.src))
      throw InputError(name, pair.line, "source " + describe(pair.src) + " is outside the " + grid() + " grid");
    if (!maze.contains(pair.dst))
      throw InputError(name, pair.line, "destination " + describe(pair.dst) + " is outside the " + grid() + " grid");
  }
  if (!maze.walls.empty()) {
    // Keyed by endpoint, not an array over the grid: the reader's memory
    // stays proportional to the file, whatever the dimensions.
    std::unordered_map<int64_t, int64_t> endpoint_line;
    for (const Pair& pair : maze.pairs) {
      endpoint_line[maze.index(pair.src)] = pair.line;
      endpoint_line[maze.index(pair.dst)] = pair.line;
    }
    for (size_t i = 0; i < maze.walls.size(); ++i) {
      const Coord& w = maze.walls[i];
      if (!maze.contains(w))
        throw InputError(name, wall_lines[i], "wall " + describe(w) + " is outside the " + grid() + " grid");
      if (auto it = endpoint_line.find(maze.index(w)); it != endpoint_line.end())
        throw InputError(name, wall_lines[i],
                         "wall " + describe(w) + " is on an endpoint of the pair at line " + std::to_string(it->second));
    }
  }
  return maze;
}

std::string read_input_text(const std::string& path) {
  // Open first, then look at what was opened: a stat() of the path before
  // the open() let a path swapped to a FIFO in between block in open().
  // O_NONBLOCK: opening a FIFO or device returns at once; fstat() refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, 0, std::string("cannot read: ") + std::strerror(errno));
  std::unique_ptr<int, void (*)(int*)> close_fd(&fd, [](int* f) { ::close(*f); });
  struct stat st;
  if (::fstat(fd, &st) != 0) throw InputError(path, 0, std::string("cannot read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw InputError(path, 0, "not a regular file");
  if (st.st_size > kMaxFileBytes) throw InputError(path, 0, "larger than 1 GiB: no valid input is that large");
  std::string text;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(path, 0, std::string("read error: ") + std::strerror(errno));
    }
    text.append(buf, size_t(n));
    if ((int64_t)text.size() > kMaxFileBytes) throw InputError(path, 0, "larger than 1 GiB: no valid input is that large");
  }
  return text;
}

Maze read_maze_file(const std::string& path) { return parse_maze(read_input_text(path), path); }

Maze read_input_file(const std::string& path, const InputFormat* format) {
  std::string text = read_input_text(path);
  InputFormat f = format != nullptr ? *format : detect_format(text);
  return f == InputFormat::kLee ? parse_board(text, path) : parse_maze(text, path);
}

}  // namespace lb
