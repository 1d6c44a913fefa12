// libFuzzer target: any bytes given to the reader either parse or raise
// InputError; nothing else (no crash, no other exception, no hang).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "labyrinth/maze.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    lb::Maze m = lb::parse_maze(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    (void)lb::stamp_work_order(m);
  } catch (const lb::InputError&) {
  }
  return 0;
}
