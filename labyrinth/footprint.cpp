#include "labyrinth/footprint.hpp"

#include <unistd.h>

#include <cstdio>

#include "labyrinth/grid.hpp"
#include "labyrinth/run_error.hpp"

namespace lb {
namespace {
std::string size_text(uint64_t bytes) {
  char buf[64];
  double b = double(bytes);
  if (b >= 1024.0 * 1024 * 1024) std::snprintf(buf, sizeof buf, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  else std::snprintf(buf, sizeof buf, "%.0f MiB", b / (1024.0 * 1024));
  return buf;
}
}  // namespace

std::string Footprint::describe() const {
  return size_text(total()) + " (shared grid and its final copy " + size_text(shared_bytes) + " + " +
         std::to_string(threads) + " thread(s) x " + size_text(per_worker_bytes) +
         " of private grid, queue and traceback buffer)";
}

Footprint run_footprint(const Maze& maze, int threads, uint64_t per_worker_bytes) {
  Footprint f;
  f.shared_bytes = 2 * uint64_t(maze.cells()) * sizeof(Cell);
  f.per_worker_bytes = per_worker_bytes;
  f.threads = threads;
  return f;
}

uint64_t physical_memory_bytes() { return uint64_t(sysconf(_SC_PHYS_PAGES)) * uint64_t(sysconf(_SC_PAGESIZE)); }

void check_footprint(const Maze& maze, int threads, uint64_t per_worker_bytes) {
  Footprint f = run_footprint(maze, threads, per_worker_bytes);
  uint64_t have = physical_memory_bytes();
  if (f.total() <= have) return;
  throw RunError(FailureReason::kOutOfMemory,
                 "out of memory: the " + std::to_string(maze.width) + " x " + std::to_string(maze.height) + " x " +
                     std::to_string(maze.depth) + " grid with " + std::to_string(threads) + " thread(s) needs " +
                     f.describe() + "; this machine has " + size_text(have) + " (use fewer threads or a smaller grid)");
}

}  // namespace lb
