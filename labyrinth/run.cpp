// lb::run: the steps of one run, in the order the original main took them,
// each refusal a RunError with its schema reason (run_error.hpp).
#include "labyrinth/run.hpp"

#include <sys/resource.h>

#include <new>
#include <stdexcept>

#include "allocators/malloc_select.hpp"
#include "allocators/pagemap.hpp"
#include "labyrinth/footprint.hpp"
#include "labyrinth/grid.hpp"
#include "labyrinth/lee_rules.hpp"
#include "labyrinth/lee_runtimes.hpp"
#include "labyrinth/output_file.hpp"
#include "labyrinth/phase_counters.hpp"
#include "labyrinth/private_memory.hpp"
#include "labyrinth/record.hpp"
#include "labyrinth/runtimes.hpp"
#include "labyrinth/verify.hpp"

namespace lb {
namespace {

using R = FailureReason;

// What a worker allocates from its private memory (lb::worker_blocks, with
// word-sized queue entries: the larger of the two; lb::lee::worker_blocks
// under Lee-TM's rules), each block rounded up to whole pages.  allocpage
// pre-faults this much per thread.
size_t private_bytes_per_worker(const Maze& maze, size_t page, bool lee_rules, bool raw) {
  auto pages = [&](size_t bytes) { return (bytes + page - 1) / page * page; };
  if (lee_rules) {
    lee::WorkerBlocks b = lee::worker_blocks(maze, raw);
    return pages(b.temp_bytes) + pages(b.visit_bytes) + pages(b.queue_bytes) + pages(b.copy_bytes);
  }
  WorkerBlocks b = worker_blocks(maze, sizeof(uint64_t));
  return pages(b.grid_bytes) + pages(b.queue_bytes) + pages(b.trace_bytes);
}

// One line per routed path: the pair's input line, then the path's cells as
// shared-grid indices, destination first (what the path hash is taken over).
void write_paths(const std::string& file, const Maze& maze, const std::vector<const RoutedPath*>& paths) {
  std::string text;
  for (const RoutedPath* p : paths) {
    text += std::to_string(maze.pairs[p->pair].line) + ':';
    for (uint32_t c : p->cells) text += ' ' + std::to_string(c);
    text += '\n';
  }
  try {
    write_output(file, text);
  } catch (const RunError& e) {
    throw RunError(R::kRuntime, "cannot write the paths to " + file, {std::string("--paths: ") + e.what()});
  }
}

lbtm::Options tm_options(const std::vector<std::string>& given) {
  lbtm::Options out;
  for (const std::string& kv : given) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw RunError(R::kUsage, "--tm-opt takes KEY=VALUE, got '" + kv + "'");
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

const RuntimeEntry& runtime_named(const std::string& name) {
  if (const RuntimeEntry* e = find_runtime(name)) return *e;
  std::string known;
  for (const auto& e : runtime_table()) known += std::string(known.empty() ? "" : ", ") + e.name;
  throw RunError(R::kUsage, "unknown TM runtime '" + name + "' (this build has: " + known + ")");
}

Maze read_input(const RunConfig& c, RunResult& r) {
  try {
    InputFormat format = c.format == "lee" ? InputFormat::kLee : InputFormat::kStamp;
    Maze maze = read_input_file(c.input, c.format.empty() ? nullptr : &format);
    r.input_sha256 = sha256_file_hex(c.input);
    return maze;
  } catch (const RunError&) {  // InputError: the file, the line and the problem, reason input
    throw;
  } catch (const std::exception& e) {
    throw RunError(R::kInput, c.input + ": " + e.what());
  }
}

// Routes with route_fn, measuring the call; the standard exceptions of the
// layers below become their reasons.
RouteOutcome route_measured(RouteFn route_fn, const RouteRequest& req, uint64_t per_worker, RunResult& r) {
  PhaseCounters counters;  // opened before the workers start: they inherit them
  std::string no_tracepoints;
  std::vector<CounterSpec> syscall_specs = PhaseCounters::syscalls(&no_tracepoints);
  PhaseCounters syscalls(std::move(syscall_specs), PhaseCounters::kSyscallScope, no_tracepoints);
  r.usage_before = ProcessUsage::now();
  try {
    syscalls.start();
    counters.start();
    RouteOutcome outcome = route_fn(req);
    counters.stop();
    syscalls.stop();
    r.usage_after = ProcessUsage::now();
    r.counters = counters.to_json();
    r.syscalls = syscalls.to_json();
    return outcome;
  } catch (const RunError&) {
    throw;
  } catch (const std::invalid_argument& e) {  // what the runtime or the rules cannot do (checked up front)
    throw RunError(R::kUsage, e.what());
  } catch (const std::bad_alloc& e) {
    std::string why = e.what();  // a source that knows why says so (allocpage's reservation used up)
    throw RunError(R::kOutOfMemory, "out of memory" + (why == std::bad_alloc().what() ? "" : " (" + why + ")") +
                                        ": the run needs " +
                                        run_footprint(*req.maze, req.threads, per_worker).describe());
  } catch (const std::exception& e) {
    throw RunError(R::kRuntime, e.what());
  }
}

void run_steps(const RunConfig& c, const Environment& env, RunResult& r) {
  // The malloc the process runs with (preload_allocator re-executed for it).
  malloc_choice choice = malloc_resolve(c.allocator);
  if (!choice.error.empty()) throw RunError(R::kUsage, "--allocator: " + choice.error);
  std::string mismatch = malloc_mismatch(choice, env.malloc);
  if (!mismatch.empty()) throw RunError(R::kAllocatorMismatch, mismatch);
  if (!c.page_size.empty() && c.private_memory != "allocpage")
    throw RunError(R::kUsage, "--page-size applies to --private-memory allocpage only");

  const RuntimeEntry& runtime = runtime_named(c.tm);
  RouteRequest req;
  req.params = c.router_params();
  req.threads = c.threads;
  req.tm_options = tm_options(c.tm_opts);
  req.private_memory = malloc_private_memory();
  req.private_memory.filter = c.private_filter;

  const Maze& maze = r.maze.emplace(read_input(c, r));
  const bool lee_rules = c.rules == "lee-tm";
  if (lee_rules && maze.format != InputFormat::kLee)
    throw RunError(R::kUsage, "--rules lee-tm routes Lee-TM boards only; " + c.input + " is in STAMP's format");
  RouteFn route_fn = runtime.route;
  if (lee_rules && (route_fn = lee_route_fn(c.tm)) == nullptr)
    throw RunError(R::kUsage, "--rules lee-tm is not available under --tm " + c.tm);
  // A board under STAMP's rules is routed as the STAMP maze it maps to.
  Maze stamp_maze;
  if (!lee_rules && maze.format == InputFormat::kLee) stamp_maze = board_as_stamp(maze);
  const Maze& routed = stamp_maze.width > 0 ? stamp_maze : maze;
  r.prepared = true;
  req.maze = lee_rules ? &maze : &routed;
  req.order = lee_rules ? lee::work_order(maze) : stamp_work_order(routed);
  // The whole footprint for the threads asked for, before any of it is taken (footprint.hpp):
  // what each worker allocates, exactly (page 1), with word-sized queue entries (the larger).
  const bool raw = c.snapshot == Snapshot::kRaw;
  const uint64_t per_worker = private_bytes_per_worker(*req.maze, 1, lee_rules, raw);
  check_footprint(*req.maze, c.threads, per_worker);
  if (c.private_memory == "allocpage") {
    size_t page = pagemap_parse_size(c.page_size.empty() ? "4k" : c.page_size);
    req.private_memory =
        allocpage_private_memory(page, (size_t)c.threads * private_bytes_per_worker(*req.maze, page, lee_rules, raw));
    req.private_memory.filter = c.private_filter;
    r.private_page_size = req.private_memory.page_size;
  }

  const RouteOutcome& outcome = r.outcome.emplace(route_measured(route_fn, req, per_worker, r));
  if (allocpage_ready()) r.allocpage = allocpage_get_stats();
  auto paths = all_paths(outcome);
  r.summary = summarize(paths);
  VerifyReport report = lee_rules ? verify_board(maze, paths, &outcome.final_grid)
                                  : verify_paths(routed, paths, &outcome.final_grid);
  if (maze.format == InputFormat::kLee) r.board = board_counts(maze, outcome, paths, lee_rules);
  if (c.print && !lee_rules) r.routed_maze = routed_maze_text(routed, paths);
  if (!c.paths.empty()) write_paths(c.paths, maze, paths);
  if (!report.ok) {
    std::vector<std::string> details;
    for (const std::string& p : report.problems) details.push_back("verification: " + p);
    throw RunError(R::kVerification,
                   "verification failed: " + std::to_string(report.problem_count) +
                       " problem(s), first: " + report.problems.front(),
                   std::move(details));
  }
  r.verified = true;
}

}  // namespace

ProcessUsage ProcessUsage::now() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  ProcessUsage u;
  u.user_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6;
  u.sys_s = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
  u.minor_faults = ru.ru_minflt;
  u.major_faults = ru.ru_majflt;
  u.peak_rss_kb = ru.ru_maxrss;
  return u;
}

RunResult run(const RunConfig& config, const Environment& environment) {
  RunResult r;
  try {
    run_steps(config, environment, r);
  } catch (const RunError& e) {
    r.failure = e.failure();
  } catch (const std::bad_alloc&) {
    r.failure = RunFailure{R::kOutOfMemory, "out of memory", {}};
  } catch (const std::exception& e) {
    r.failure = RunFailure{R::kRuntime, e.what(), {}};
  }
  return r;
}

std::optional<RunFailure> preload_allocator(const RunConfig& config, char** argv) {
  malloc_choice choice = malloc_resolve(config.allocator);
  if (!choice.error.empty()) return RunFailure{R::kUsage, "--allocator: " + choice.error, {}};
  std::string error;
  malloc_reexec_with(choice, argv, &error);  // returns only when nothing was needed, or on failure
  if (!error.empty()) return RunFailure{R::kRuntime, error, {}};
  return std::nullopt;
}

std::string input_name(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 4 && name.ends_with(".txt")) name.resize(name.size() - 4);
  return name;
}

}  // namespace lb
