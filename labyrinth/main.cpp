// labyrinth: the command line (cli.cpp) turned into a RunConfig, run by
// lb::run (run.hpp), STAMP's output lines printed and the record written
// (record.hpp).  The exit status is the failure reason's, as the schema
// declares (labyrinth/RECORD.md).
#include <cstdio>
#include <string>

#include "labyrinth/cli.hpp"
#include "labyrinth/output_file.hpp"
#include "labyrinth/record.hpp"
#include "labyrinth/run.hpp"

namespace {

// STAMP's lines, as far as the run got; then the failure or "Verification passed.".
void print_result(FILE* human, const lb::RunResult& r) {
  if (r.prepared) {
    std::fprintf(human, "Maze dimensions = %lld x %lld x %lld\n", (long long)r.maze->width, (long long)r.maze->height,
                 (long long)r.maze->depth);
    std::fprintf(human, "Paths to route  = %zu\n", r.maze->pairs.size());
  }
  if (r.summary) {
    std::fprintf(human, "Paths routed    = %lld\n", (long long)r.summary->paths_routed);
    std::fprintf(human, "Elapsed time    = %f seconds\n", r.outcome->elapsed_s);
  }
  if (r.board)
    std::fprintf(human, "Routes laid     = %lld, failed = %lld, vias = %lld (forced %lld), track cells = %lld\n",
                 (long long)r.board->laid, (long long)r.board->failed, (long long)r.board->vias,
                 (long long)r.board->forced_vias, (long long)r.board->track_cells);
  std::fputs(r.routed_maze.c_str(), human);
  if (r.failure) {
    for (const std::string& d : r.failure->details) std::fprintf(stderr, "labyrinth: %s\n", d.c_str());
    std::fprintf(stderr, "labyrinth: %s\n", r.failure->message.c_str());
  } else {
    std::fputs("Verification passed.\n", human);
  }
  std::fflush(human);
}

// Writes the record where --json asked (labyrinth/output_file.hpp); false when it cannot.
bool write_record(const std::string& where, const nlohmann::json& record) {
  if (where.empty()) return true;
  std::string line = record.dump() + "\n";
  if (where == "-") return std::fputs(line.c_str(), stdout) >= 0 && std::fflush(stdout) == 0;
  try {
    lb::write_output(where, line);
    return true;
  } catch (const lb::RunError& e) {
    std::fprintf(stderr, "labyrinth: cannot write the record: %s\n", e.what());
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  lb::CommandLine cl = lb::parse_command_line(argc, argv);
  if (cl.exit_status) return *cl.exit_status;
  const lb::RunConfig& config = cl.config;
  try {  // before anything else, and without writing a record: --json may be the clash
    lb::check_outputs(config.input, {{"--json", config.json}, {"--paths", config.paths}});
  } catch (const lb::RunError& e) {
    std::fprintf(stderr, "labyrinth: %s\n", e.what());
    return lb::exit_status(e.reason());
  }
  lb::RunResult result;
  result.failure = lb::preload_allocator(config, argv);  // may re-execute this process
  const lb::Environment environment = lb::Environment::gather();
  if (!result.failure) result = lb::run(config, environment);
  print_result(config.json == "-" ? stderr : stdout, result);  // keep stdout pure JSON
  bool written = write_record(config.json, lb::make_record(config, result, environment));
  if (result.failure) return lb::exit_status(result.failure->reason);
  return written ? 0 : lb::exit_status(lb::FailureReason::kRuntime);
}
