// What goes into a routing run and what comes out of it; shared by the
// router template, the runtime table and the command line.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "labyrinth/maze.hpp"
#include "labyrinth/private_memory.hpp"
#include "tm/tm.hpp"

namespace lb {

// How the routing transaction copies the shared grid (DESIGN.md, "The
// transactional shapes of Labyrinth").  kPrivatized: copy, expansion and
// traceback outside any transaction; only the claim is one, and a failed
// claim routes again from a fresh copy (Quislant et al.; Ruan, Liu, Spear).
enum class Snapshot { kRaw, kTracked, kReleased, kPrivatized };
// How expansion and traceback reach the private grid and queue.
enum class PrivateAccess { kDirect, kInstrumented };
// How long a worker's private grid, queue and traceback buffer live: the
// whole run (STAMP), or one routing transaction, allocated through the
// runtime's transaction-safe allocation from the private memory's atomic
// requests (as compiler-TM code and GFP_ATOMIC kernel code allocate), which
// puts the allocator on the hot path.  Under the privatized snapshot, whose
// search runs outside the transaction, one routing attempt.
enum class PrivateLifetime { kWorker, kTransaction };

// The names the schema gives the values (x-axes); "?" for anything else (the
// command line maps the schema's names onto the enumerators through these).
const char* to_string(Snapshot s);
const char* to_string(PrivateAccess p);
const char* to_string(PrivateLifetime l);

struct RouterParams {
  int64_t x_cost = 1, y_cost = 1, z_cost = 2, bend_cost = 1;  // STAMP's -x -y -z -b
  Snapshot snapshot = Snapshot::kRaw;
  PrivateAccess private_access = PrivateAccess::kDirect;
  PrivateLifetime private_lifetime = PrivateLifetime::kWorker;
};

struct RouteRequest {
  const Maze* maze = nullptr;
  std::vector<uint32_t> order;  // pairs in work order (indices into maze->pairs)
  RouterParams params;
  int threads = 1;
  lbtm::Options tm_options;
  PrivateMemorySource private_memory;
};

// A routed path: shared-grid indices from the destination back to the
// source, the order traceback finds them in (and the path hash uses).
struct RoutedPath {
  uint32_t pair = 0;  // index into maze->pairs
  std::vector<uint32_t> cells;
};

struct WorkerResult {
  std::vector<RoutedPath> paths;  // in the order this worker committed them
  lbtm::Stats stats;
  double copy_s = 0;    // grid copies (snapshot), every attempt
  double expand_s = 0;  // expansion and traceback, every attempt
  uint64_t queue_grows = 0;  // expansion queue doubled (a wave re-queued past the grid's size), every attempt
  uint64_t reroutes = 0;  // privatized: claims that found a cell taken and routed again
  // Transaction lifetime: attempts whose atomic request found the private
  // memory's reserve dry, so they committed nothing and the worker refilled
  // it (blocking, outside any transaction) and routed the pair again.
  uint64_t dry_reserve_retries = 0;
  // Lee-TM rules only: routes that could not be laid, vias laid (forced ones
  // among them).
  int64_t failed = 0, vias = 0, forced_vias = 0;
};

struct RouteOutcome {
  std::vector<WorkerResult> workers;
  lbtm::Options tm_config;          // the runtime's describe()
  double elapsed_s = 0;           // threads started to threads joined, as STAMP
  std::vector<int64_t> final_grid;  // the shared grid after routing
};

}  // namespace lb
