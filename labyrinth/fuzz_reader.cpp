// libFuzzer target: any bytes given to either reader (STAMP's format, Lee-TM
// boards) either parse or raise InputError; nothing else (no crash, no other
// exception, no hang).  Each reader's work order runs on what it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "labyrinth/lee_rules.hpp"
#include "labyrinth/maze.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    lb::Maze m = lb::parse_maze(text, "fuzz");
    (void)lb::stamp_work_order(m);
  } catch (const lb::InputError&) {
  }
  try {
    lb::Maze m = lb::parse_board(text, "fuzz");
    (void)lb::lee::work_order(m);
  } catch (const lb::InputError&) {
  }
  (void)lb::detect_format(text);
  return 0;
}
