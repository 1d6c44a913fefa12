// labyrinth: STAMP's command line (-b -i -p -t -x -y -z and its output
// lines) plus long options for the TM runtime, the transactional shape and
// the result record, the general-purpose malloc (--allocator: the binary
// re-executes itself with it preloaded) and the private memory's source.
// Exit status: 0 ok, 1 runtime failure, 2 bad input or usage, 3 verification
// failed, 4 allocator mismatch (labyrinth/RECORD.md).
#include <cstdio>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "allocators/allocpage.hpp"
#include "allocators/malloc_select.hpp"
#include "allocators/pagemap.hpp"
#include "labyrinth/board.hpp"
#include "labyrinth/footprint.hpp"
#include "labyrinth/grid.hpp"
#include "labyrinth/int_option.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/lee_runtimes.hpp"
#include "labyrinth/maze.hpp"
#include "labyrinth/output_file.hpp"
#include "labyrinth/phase_counters.hpp"
#include "labyrinth/private_memory.hpp"
#include "labyrinth/record.hpp"
#include "labyrinth/runtimes.hpp"
#include "labyrinth/summary.hpp"
#include "labyrinth/verify.hpp"

namespace {

enum Exit { kOk = 0, kRuntimeFailure = 1, kBadInput = 2, kVerificationFailed = 3, kAllocatorMismatch = 4 };

struct Options {
  std::string input;
  int threads = 1;
  int64_t bend = 1, x = 1, y = 1, z = 2;
  bool print = false;
  std::string tm = "seq";
  std::vector<std::string> tm_opts;
  lb::Snapshot snapshot = lb::Snapshot::kRaw;
  lb::PrivateAccess private_access = lb::PrivateAccess::kDirect;
  bool private_filter = true;
  std::string json;
  std::string paths_file;
  int64_t repetition = 0;
  std::string allocator = "glibc";
  std::string private_memory = "malloc";
  std::string page_size;  // allocpage only; 4k when not given
  std::string format;     // stamp or lee; detected from the file when empty
  std::string rules = "stamp";  // stamp or lee-tm (labyrinth/BOARDS.md)
};

// What a worker allocates from its private memory (lb::worker_blocks, with
// word-sized queue entries: the larger of the two; lb::lee::worker_blocks
// under Lee-TM's rules), each block rounded up to whole pages.  allocpage
// pre-faults this much per thread.
size_t private_bytes_per_worker(const lb::Maze& maze, size_t page, bool lee_rules, bool raw) {
  auto pages = [&](size_t bytes) { return (bytes + page - 1) / page * page; };
  if (lee_rules) {
    lb::lee::WorkerBlocks b = lb::lee::worker_blocks(maze, raw);
    return pages(b.temp_bytes) + pages(b.visit_bytes) + pages(b.queue_bytes) + pages(b.copy_bytes);
  }
  lb::WorkerBlocks b = lb::worker_blocks(maze, sizeof(uint64_t));
  return pages(b.grid_bytes) + pages(b.queue_bytes) + pages(b.trace_bytes);
}

// One line per routed path: the pair's input line, then the path's cells as
// shared-grid indices, destination first (what the path hash is taken over).
bool write_paths(const std::string& file, const lb::Maze& maze, const std::vector<const lb::RoutedPath*>& paths) {
  std::string text;
  for (const lb::RoutedPath* p : paths) {
    text += std::to_string(maze.pairs[p->pair].line) + ':';
    for (uint32_t c : p->cells) text += ' ' + std::to_string(c);
    text += '\n';
  }
  std::string error;
  if (lb::write_output(file, text, &error)) return true;
  std::fprintf(stderr, "labyrinth: --paths: %s\n", error.c_str());
  return false;
}

std::string input_name(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 4 && name.ends_with(".txt")) name.resize(name.size() - 4);
  return name;
}

// Writes the record where --json asked (labyrinth/output_file.hpp).
bool write_record(const std::string& where, const lb::RunRecord& record) {
  if (where.empty()) return true;
  std::string line = record.to_json().dump() + "\n";
  if (where == "-") {
    std::fputs(line.c_str(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::string error;
  if (lb::write_output(where, line, &error)) return true;  // how: labyrinth/output_file.hpp
  std::fprintf(stderr, "labyrinth: cannot write the record: %s\n", error.c_str());
  return false;
}

int fail(const Options& o, lb::RunRecord& record, const char* reason, const std::string& message, int status) {
  std::fprintf(stderr, "labyrinth: %s\n", message.c_str());
  record.failure_reason = reason;
  record.failure_message = message;
  write_record(o.json, record);
  return status;
}

int run(const Options& o, char** argv) {
  FILE* human = o.json == "-" ? stderr : stdout;  // keep stdout pure JSON
  // Before anything else, and without writing a record: --json may be the clash.
  std::string clash = lb::check_outputs(o.input, {{"--json", o.json}, {"--paths", o.paths_file}});
  if (!clash.empty()) {
    std::fprintf(stderr, "labyrinth: %s\n", clash.c_str());
    return kBadInput;
  }
  lb::RunRecord record;
  record.input_path = o.input;
  record.input_name = input_name(o.input);
  record.params = {o.x, o.y, o.z, o.bend, o.snapshot, o.private_access};
  record.tm_name = o.tm;
  record.threads = o.threads;
  record.repetition = o.repetition;
  record.private_filter = o.private_filter;
  record.allocator_requested = o.allocator;
  record.rules = o.rules;

  // The malloc first: re-execute with it preloaded (nothing was done yet
  // that the new image would not redo), then make sure it serves us.
  malloc_choice choice = malloc_resolve(o.allocator);
  if (!choice.error.empty()) return fail(o, record, "usage", "--allocator: " + choice.error, kBadInput);
  std::string reexec_error;
  malloc_reexec_with(choice, argv, &reexec_error);
  if (!reexec_error.empty()) return fail(o, record, "runtime", reexec_error, kRuntimeFailure);
  std::string mismatch = malloc_mismatch(choice, malloc_detect());
  if (!mismatch.empty()) return fail(o, record, "allocator-mismatch", mismatch, kAllocatorMismatch);
  if (!o.page_size.empty() && o.private_memory != "allocpage")
    return fail(o, record, "usage", "--page-size applies to --private-memory allocpage only", kBadInput);

  const lb::RuntimeEntry* runtime = lb::find_runtime(o.tm);
  if (runtime == nullptr) {
    std::string known;
    for (const auto& e : lb::runtime_table()) known += std::string(known.empty() ? "" : ", ") + e.name;
    return fail(o, record, "usage", "unknown TM runtime '" + o.tm + "' (this build has: " + known + ")", kBadInput);
  }
  lb::RouteRequest req;
  req.params = record.params;
  req.threads = o.threads;
  for (const std::string& kv : o.tm_opts) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return fail(o, record, "usage", "--tm-opt takes KEY=VALUE, got '" + kv + "'", kBadInput);
    req.tm_options[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  req.private_memory = lb::malloc_private_memory();
  req.private_memory.filter = o.private_filter;
  record.private_source = req.private_memory.name;
  record.private_page_size = req.private_memory.page_size;

  lb::Maze maze;
  try {
    lb::InputFormat format = o.format == "lee" ? lb::InputFormat::kLee : lb::InputFormat::kStamp;
    maze = lb::read_input_file(o.input, o.format.empty() ? nullptr : &format);
    record.input_sha256 = lb::sha256_file_hex(o.input);
  } catch (const lb::InputError& e) {
    return fail(o, record, "input", e.what(), kBadInput);
  } catch (const std::exception& e) {
    return fail(o, record, "input", o.input + ": " + e.what(), kBadInput);
  }
  record.maze = &maze;
  const bool lee_rules = o.rules == "lee-tm";
  if (lee_rules && maze.format != lb::InputFormat::kLee)
    return fail(o, record, "usage", "--rules lee-tm routes Lee-TM boards only; " + o.input + " is in STAMP's format",
                kBadInput);
  lb::RouteFn route_fn = runtime->route;
  if (lee_rules && (route_fn = lb::lee_route_fn(o.tm)) == nullptr)
    return fail(o, record, "usage", "--rules lee-tm is not available under --tm " + o.tm, kBadInput);
  // A board under STAMP's rules is routed as the STAMP maze it maps to.
  lb::Maze stamp_maze;
  if (!lee_rules && maze.format == lb::InputFormat::kLee) stamp_maze = lb::board_as_stamp(maze);
  const lb::Maze& routed = stamp_maze.width > 0 ? stamp_maze : maze;
  std::fprintf(human, "Maze dimensions = %lld x %lld x %lld\n", (long long)maze.width, (long long)maze.height,
               (long long)maze.depth);
  std::fprintf(human, "Paths to route  = %zu\n", maze.pairs.size());
  req.maze = lee_rules ? &maze : &routed;
  req.order = lee_rules ? lb::lee::work_order(maze) : lb::stamp_work_order(routed);
  // The whole footprint for the threads asked for, before any of it is taken (footprint.hpp):
  // what each worker allocates, exactly (page 1), with word-sized queue entries (the larger).
  const uint64_t per_worker = private_bytes_per_worker(*req.maze, 1, lee_rules, o.snapshot == lb::Snapshot::kRaw);
  std::string too_big = lb::check_footprint(*req.maze, o.threads, per_worker);
  if (!too_big.empty()) return fail(o, record, "out-of-memory", too_big, kRuntimeFailure);
  if (o.private_memory == "allocpage") {
    record.private_source = "allocpage";  // also when it cannot be had: the record says what was asked
    size_t page = pagemap_parse_size(o.page_size.empty() ? "4k" : o.page_size);
    std::string error;
    bool resource = false;
    if (!lb::allocpage_private_memory(page, (size_t)o.threads * private_bytes_per_worker(*req.maze, page, lee_rules,
                                                                                o.snapshot == lb::Snapshot::kRaw),
                                      &req.private_memory, &error, &resource))
      return resource ? fail(o, record, "resource", error, kRuntimeFailure) : fail(o, record, "usage", error, kBadInput);
    req.private_memory.filter = o.private_filter;
    record.private_source = req.private_memory.name;
    record.private_page_size = req.private_memory.page_size;
  }

  lb::RouteOutcome outcome;
  lb::PhaseCounters counters;  // opened before the workers start: they inherit them
  std::string no_tracepoints;
  std::vector<lb::CounterSpec> syscall_specs = lb::PhaseCounters::syscalls(&no_tracepoints);
  lb::PhaseCounters syscalls(std::move(syscall_specs), lb::PhaseCounters::kSyscallScope, no_tracepoints);
  record.usage_before = lb::ProcessUsage::now();
  try {
    syscalls.start();
    counters.start();
    outcome = route_fn(req);
    counters.stop();
    syscalls.stop();
  } catch (const std::invalid_argument& e) {
    return fail(o, record, "usage", e.what(), kBadInput);
  } catch (const std::bad_alloc&) {
    return fail(o, record, "out-of-memory",
                "out of memory: the run needs " +
                    lb::run_footprint(*req.maze, o.threads, per_worker).describe(),
                kRuntimeFailure);
  } catch (const std::exception& e) {
    return fail(o, record, "runtime", e.what(), kRuntimeFailure);
  }
  record.usage_after = lb::ProcessUsage::now();
  record.counters = counters.to_json();
  record.syscalls = syscalls.to_json();
  if (allocpage_ready()) {
    allocpage_stats s = allocpage_get_stats();
    record.private_stats = {{"pages_in_use", s.pages_in_use},   {"high_water", s.high_water},
                            {"pages_committed", s.pages_committed}, {"reserve_hits", s.reserve_hits},
                            {"refills", s.refills},
                            {"failed_atomic", s.failed_atomic}, {"foreign_frees", s.foreign_frees},
                            {"double_frees", s.double_frees},   {"invalid_frees", s.invalid_frees}};
  }
  record.outcome = &outcome;
  record.tm_config = outcome.tm_config;

  auto paths = lb::all_paths(outcome);
  record.summary = lb::summarize(paths);
  std::fprintf(human, "Paths routed    = %lld\n", (long long)record.summary->paths_routed);
  std::fprintf(human, "Elapsed time    = %f seconds\n", outcome.elapsed_s);

  lb::VerifyReport report = lee_rules ? lb::verify_board(maze, paths, &outcome.final_grid)
                                      : lb::verify_paths(routed, paths, &outcome.final_grid);
  if (maze.format == lb::InputFormat::kLee) {
    record.board = lb::board_counts(maze, outcome, paths, lee_rules);
    std::fprintf(human, "Routes laid     = %lld, failed = %lld, vias = %lld (forced %lld), track cells = %lld\n",
                 (long long)record.board->laid, (long long)record.board->failed, (long long)record.board->vias,
                 (long long)record.board->forced_vias, (long long)record.board->track_cells);
  }
  if (o.print && !lee_rules) lb::print_routed_maze(human, routed, paths);
  if (!o.paths_file.empty() && !write_paths(o.paths_file, maze, paths))
    return fail(o, record, "runtime", "cannot write the paths to " + o.paths_file, kRuntimeFailure);
  if (!report.ok) {
    for (const std::string& p : report.problems) std::fprintf(stderr, "labyrinth: verification: %s\n", p.c_str());
    return fail(o, record, "verification",
                "verification failed: " + std::to_string(report.problem_count) + " problem(s), first: " +
                    report.problems.front(),
                kVerificationFailed);
  }
  record.verified = true;
  std::fputs("Verification passed.\n", human);
  std::fflush(human);
  return write_record(o.json, record) ? kOk : kRuntimeFailure;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"labyrinth: STAMP's Labyrinth maze router over interchangeable TM runtimes"};
  app.get_formatter()->column_width(34);
  app.add_option("-i,--input", o.input, "input file: STAMP's format or a Lee-TM board (detected)")->required();
  app.add_option("--format", o.format, "input format, instead of detecting it: stamp or lee (Lee-TM board)")
      ->check(CLI::IsMember({"stamp", "lee"}));
  app.add_option("--rules", o.rules,
                 "routing rules: stamp (STAMP's Labyrinth; a board maps onto it as labyrinth/BOARDS.md says) or "
                 "lee-tm (Manchester's Lee-TM; boards only)")
      ->check(CLI::IsMember({"stamp", "lee-tm"}))
      ->capture_default_str();
  app.add_option("-t,--threads", o.threads, "number of worker threads")->transform(lb::whole_number_in(1, 1024));
  app.add_option("-b", o.bend, "bend cost (STAMP: 1)")->transform(lb::whole_number_in(0, 1000000));
  app.add_option("-x", o.x, "x movement cost (STAMP: 1)")->transform(lb::whole_number_in(1, 1000000));
  app.add_option("-y", o.y, "y movement cost (STAMP: 1)")->transform(lb::whole_number_in(1, 1000000));
  app.add_option("-z", o.z, "z movement cost (STAMP: 2)")->transform(lb::whole_number_in(1, 1000000));
  app.add_flag("-p", o.print, "print the routed maze");
  std::string tm_help = "TM runtime:";
  for (const auto& e : lb::runtime_table()) tm_help += std::string("\n  ") + e.name + ": " + e.summary;
  app.add_option("--tm", o.tm, tm_help)->capture_default_str();
  app.add_option("--tm-opt", o.tm_opts, "runtime option KEY=VALUE (repeatable)");
  std::map<std::string, lb::Snapshot> snapshots{
      {"raw", lb::Snapshot::kRaw},
      {"tracked", lb::Snapshot::kTracked},
      {"released", lb::Snapshot::kReleased},
      {"privatized", lb::Snapshot::kPrivatized}};
  app.add_option("--snapshot", o.snapshot,
                 "grid copy: raw (plain, STAMP's STM build), tracked (every cell read through the TM), "
                 "released (tracked, each cache line early-released once its row is copied), privatized (copy, "
                 "expansion and traceback outside the transaction: only the claim is transactional)")
      ->transform(CLI::CheckedTransformer(snapshots));
  std::map<std::string, lb::PrivateAccess> accesses{{"direct", lb::PrivateAccess::kDirect},
                                                    {"instrumented", lb::PrivateAccess::kInstrumented}};
  app.add_option("--private", o.private_access,
                 "private grid accesses: direct (as STAMP) or instrumented (through the TM, as a compiler would)")
      ->transform(CLI::CheckedTransformer(accesses));
  std::map<std::string, bool> on_off{{"on", true}, {"off", false}};
  app.add_option("--private-filter", o.private_filter,
                 "tell the TM which memory is private (on) or let it log everything (off)")
      ->transform(CLI::CheckedTransformer(on_off));
  app.add_option("--json", o.json,
                 "write the result record (JSON line) to FILE, or - for stdout.  Outputs: a regular or new "
                 "file is replaced atomically (temporary file, renamed over it); a symlink is followed (its "
                 "target is written, the link stays); a character device or FIFO is written in place; "
                 "anything else, the input file, or --json and --paths naming one file is refused (exit 2)");
  app.add_option("--paths", o.paths_file,
                 "write every routed path to FILE (pair's input line: cells), as --json writes");
  // Any whole number: the harness numbers its warm-ups -1, -2, ... (harness/suite.py).
  app.add_option("--repetition", o.repetition, "repetition number, recorded as given (negative: a warm-up)")
      ->transform(lb::whole_number_in(INT64_MIN, INT64_MAX));
  app.add_option("--allocator", o.allocator,
                 "general-purpose malloc: a name from --list-allocators or a library path; the binary "
                 "re-executes itself with it preloaded, and fails (exit 4) if another malloc serves")
      ->capture_default_str();
  app.add_flag_callback(
      "--list-allocators",
      [] {
        for (const malloc_library& m : malloc_known())
          std::printf("%-10s %s\n", m.name.c_str(),
                      !m.found ? "(not found when configured)" : m.path.empty() ? "(no preload)" : m.path.c_str());
        throw CLI::Success();
      },
      "list the mallocs this build knows and exit");
  app.add_option("--private-memory", o.private_memory,
                 "where each worker's grid, queue and traceback buffer live: malloc, or allocpage "
                 "(exclusive pages, pre-faulted before the run; the STM's private predicate: the worker's recent blocks, then allocpage's owner())")
      ->check(CLI::IsMember({"malloc", "allocpage"}))
      ->capture_default_str();
  app.add_option("--page-size", o.page_size, "allocpage's page size: 4k (default), 2m, 1g")
      ->check(CLI::IsMember({"4k", "2m", "1g"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success& e) {  // --list-allocators
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "labyrinth: %s\nRun with --help for the options.\n", e.what());
    return kBadInput;
  }
  return run(o, argv);
}
