// One run as a library call: lb::run(config, environment) reads the input,
// checks the configuration against the runtime and the machine, routes,
// verifies and measures, and returns everything the record and STAMP's
// output lines need.  It never prints, never exits and never throws for a
// failed run: a failure is the result's `failure`, with a reason from the
// schema (run_error.hpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "allocators/allocpage.hpp"
#include "labyrinth/board.hpp"
#include "labyrinth/environment.hpp"
#include "labyrinth/maze.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/run_config.hpp"
#include "labyrinth/run_error.hpp"
#include "labyrinth/summary.hpp"

namespace lb {

// CPU time and faults of the process, for the routing phase's deltas.
struct ProcessUsage {
  double user_s = 0, sys_s = 0;
  int64_t minor_faults = 0, major_faults = 0, peak_rss_kb = 0;
  static ProcessUsage now();
};

// What a run found out, as far as it got (a field stays empty past the point
// where it failed).
struct RunResult {
  std::optional<RunFailure> failure;  // none: routed and verified
  std::optional<Maze> maze;           // the input as read
  std::string input_sha256;
  bool prepared = false;               // the configuration was accepted: STAMP's first lines hold
  int64_t private_page_size = 0;       // bytes, as obtained; 0 where it does not apply
  std::optional<allocpage_stats> allocpage;  // after the run, with --private-memory allocpage
  std::optional<RouteOutcome> outcome;
  std::optional<PathSummary> summary;
  std::optional<BoardCounts> board;    // Lee-TM boards
  bool verified = false;
  ProcessUsage usage_before, usage_after;  // around the routing call
  nlohmann::json counters;                 // PhaseCounters::to_json() of the routing call
  nlohmann::json syscalls;                 // the same, of PhaseCounters::syscalls() (memory system calls)
  std::string routed_maze;                 // -p: STAMP's print of the routed maze

  bool ok() const { return !failure; }
};

RunResult run(const RunConfig& config, const Environment& environment);

// --allocator: re-executes the process with the malloc asked for preloaded
// (allocators/malloc_select.hpp), before anything else is done; returns only
// when none was needed or when it failed (then the failure).
std::optional<RunFailure> preload_allocator(const RunConfig& config, char** argv);

// The input's name in the record: the file name without directory and .txt.
std::string input_name(const std::string& path);

}  // namespace lb
