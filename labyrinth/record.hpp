// The result record of one run (labyrinth/RECORD.md is its schema).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "labyrinth/board.hpp"
#include "labyrinth/maze.hpp"
#include "labyrinth/route_types.hpp"
#include "labyrinth/summary.hpp"
#include "schema/run_schema.hpp"  // generated from schema/run.schema.json

namespace lb {

inline constexpr const char* kRecordSchema = LB_RECORD_SCHEMA;  // schema/run.schema.json, x-version

// CPU time and faults of the process, for the routing phase's deltas.
struct ProcessUsage {
  double user_s = 0, sys_s = 0;
  int64_t minor_faults = 0, major_faults = 0, peak_rss_kb = 0;
  static ProcessUsage now();
};

// What the record says of the run, filled in as the run goes; a field left
// empty is written as null.
struct RunRecord {
  // input
  std::string input_path, input_name, input_sha256;
  const Maze* maze = nullptr;
  // configuration
  RouterParams params;
  std::string rules = "stamp";  // --rules
  std::string tm_name;
  lbtm::Options tm_config;
  int threads = 1;
  int64_t repetition = 0;
  std::string allocator_requested = "glibc";  // the CLI default (RECORD.md)
  std::string private_source = "malloc";
  int64_t private_page_size = 0;
  bool private_filter = true;
  nlohmann::json private_stats;  // allocpage's statistics after the run (null for malloc)
  // outcome
  const RouteOutcome* outcome = nullptr;
  std::optional<PathSummary> summary;
  std::optional<BoardCounts> board;  // Lee-TM boards only
  bool verified = false;
  ProcessUsage usage_before, usage_after;
  nlohmann::json counters;  // PhaseCounters::to_json() of the routing phase
  nlohmann::json syscalls;  // the same, of PhaseCounters::syscalls()
  // failure
  std::string failure_reason, failure_message;

  nlohmann::json to_json() const;
};

std::string sha256_file_hex(const std::string& path);
nlohmann::json machine_info();
nlohmann::json malloc_info();  // the malloc that serves this process
std::string git_revision();

}  // namespace lb
