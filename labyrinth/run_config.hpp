// One run's configuration as a value (lb::RunConfig): every axis of the
// schema (schema/run.schema.json, x-axes) and what the run prints and writes.
// lb::run (run.hpp) takes it; the command line (cli.cpp) fills it; the record
// (record.cpp) echoes it as given.
//
// Adding a run axis: declare it in the schema (x-axes: option, default,
// values, record path; and its record field), add its field here and one
// line to for_each_axis below.  The command line (option, allowed values,
// default shown in --help) and the record's echo follow from that line; what
// the axis does is then the code that reads the field.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "labyrinth/route_types.hpp"
#include "schema/run_axes.hpp"  // generated: lb_schema::axis()

namespace lb {

struct RunConfig {
  // The axes, by their schema names; the defaults are the schema's (tests/schema checks).
  std::string input;                  // -i: a file
  std::string tm = "seq";
  std::vector<std::string> tm_opts;   // KEY=VALUE, as given
  int threads = 1;
  Snapshot snapshot = Snapshot::kRaw;
  PrivateAccess private_access = PrivateAccess::kDirect;  // axis "private"
  std::string allocator = "glibc";    // a name or a library path
  std::string private_memory = "malloc";
  std::string page_size;              // allocpage's, as asked; empty: not given (4k)
  bool private_filter = true;
  PrivateLifetime private_lifetime = PrivateLifetime::kWorker;
  int64_t bend_cost = 1, x_cost = 1, y_cost = 1, z_cost = 2;
  std::string rules = "stamp";
  // Not axes: how the input is read, and what the run prints and writes.
  std::string format;      // stamp or lee; empty: detected from the file
  int64_t repetition = 0;  // recorded as given
  bool print = false;      // -p: the routed maze, as STAMP prints it
  std::string json;        // the record: a file, "-" for stdout, empty for none
  std::string paths;       // every routed path: a file, empty for none

  RouterParams router_params() const {
    return {x_cost, y_cost, z_cost, bend_cost, snapshot, private_access, private_lifetime};
  }
};

// How an axis's field is used beyond the schema's declaration.
struct AxisUse {
  const char* help;            // --help text (the schema's meaning is the short form)
  int64_t min = 0, max = 0;    // whole numbers: the accepted range
  const char* alias = nullptr; // a second option name ("--threads" beside -t)
  bool echoed = true;          // the record holds the field as given (false: the record says more, record.cpp)
};

// Every axis the binary takes, joined to its field: visit(axis, field, use).
// lb_schema::axis() is evaluated at compile time: a name the schema lacks
// does not build, and tests/schema checks that every axis is here.
template <class Config, class Visit>  // Config: RunConfig or const RunConfig
void for_each_axis(Config& c, Visit&& visit) {
  using lb_schema::axis;
  visit(axis("input"), c.input,
        AxisUse{"input file: STAMP's format or a Lee-TM board (detected)", 0, 0, "--input", false});
  visit(axis("tm"), c.tm, AxisUse{"TM runtime:"});  // cli.cpp lists the runtimes
  visit(axis("tm_opts"), c.tm_opts, AxisUse{"runtime option KEY=VALUE (repeatable)", 0, 0, nullptr, false});
  visit(axis("threads"), c.threads, AxisUse{"number of worker threads", 1, 1024, "--threads"});
  visit(axis("snapshot"), c.snapshot,
        AxisUse{"grid copy: raw (plain, STAMP's STM build), tracked (every cell read through the TM), "
                "released (tracked, each cell early-released at once as it is read), privatized (copy, "
                "expansion and traceback outside the transaction: only the claim is transactional)"});
  visit(axis("private"), c.private_access,
        AxisUse{"private grid accesses: direct (as STAMP) or instrumented (through the TM, as a compiler would)"});
  visit(axis("allocator"), c.allocator,
        AxisUse{"general-purpose malloc: a name from --list-allocators or a library path; the binary "
                "re-executes itself with it preloaded, and fails (exit 4) if another malloc serves"});
  visit(axis("private_memory"), c.private_memory,
        AxisUse{"where each worker's grid, queue and traceback buffer live: malloc, or allocpage "
                "(exclusive pages, pre-faulted before the run; the STM's private predicate: the worker's recent "
                "blocks, then allocpage's owner())"});
  visit(axis("page_size"), c.page_size, AxisUse{"allocpage's page size: 4k (default), 2m, 1g"});
  visit(axis("private_filter"), c.private_filter,
        AxisUse{"tell the TM which memory is private (on; only --private instrumented shows it private memory, "
                "the record's private_memory.predicate says whether it was in effect) or let it log everything (off)"});
  visit(axis("private_lifetime"), c.private_lifetime,
        AxisUse{"how long each worker's grid, queue and traceback buffer live: worker (the whole run, as STAMP) or "
                "transaction (allocated in every routing transaction through the TM's transaction-safe "
                "allocation; with allocpage from atomic requests, refilled outside the transaction when the "
                "reserve runs dry)"});
  visit(axis("bend_cost"), c.bend_cost, AxisUse{"bend cost (STAMP: 1)", 0, 1000000});
  visit(axis("x_cost"), c.x_cost, AxisUse{"x movement cost (STAMP: 1)", 1, 1000000});
  visit(axis("y_cost"), c.y_cost, AxisUse{"y movement cost (STAMP: 1)", 1, 1000000});
  visit(axis("z_cost"), c.z_cost, AxisUse{"z movement cost (STAMP: 2)", 1, 1000000});
  visit(axis("rules"), c.rules,
        AxisUse{"routing rules: stamp (STAMP's Labyrinth; a board maps onto it as labyrinth/BOARDS.md says) or "
                "lee-tm (Manchester's Lee-TM; boards only)"});
}

}  // namespace lb
