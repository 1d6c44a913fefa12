// What a run needs in memory, for the check made before routing: the shared
// grid, and for every worker thread its private blocks (lb::worker_blocks:
// the padded grid copy, the expansion queue and the traceback buffer, or
// Lee-TM's blocks), plus
// the final grid the outcome keeps for the verifier.  The reader alone only
// knows the grid; this knows the threads (issue 9: `d 1 1 20000000` at -t 8
// needs about 8 GB, and the old message spoke of a 152 MiB grid).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "labyrinth/maze.hpp"

namespace lb {

struct Footprint {
  uint64_t shared_bytes = 0;      // the shared grid and the final copy the verifier checks
  uint64_t per_worker_bytes = 0;  // one worker's private blocks
  int threads = 1;
  uint64_t total() const { return shared_bytes + per_worker_bytes * uint64_t(threads); }
  // "8.02 GiB (shared grid and its final copy 305 MiB + 8 threads x 989 MiB of private
  // grid, queue and traceback buffer)"
  std::string describe() const;
};

// per_worker_bytes: what one worker allocates from its private memory (for
// STAMP's router lb::worker_blocks, whose queue entries are 4 bytes with direct
// private accesses and 8 when instrumented; Lee-TM's router has its own).
Footprint run_footprint(const Maze& maze, int threads, uint64_t per_worker_bytes);

// This machine's physical memory in bytes.
uint64_t physical_memory_bytes();

// Throws RunError (reason out-of-memory, with the whole figure) unless the run
// fits in physical memory.
void check_footprint(const Maze& maze, int threads, uint64_t per_worker_bytes);

}  // namespace lb
