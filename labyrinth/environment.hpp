// What a record says of the machine and the process, gathered once per run
// (after the --allocator re-execution, so the malloc is the one that serves):
// lb::run checks the malloc against the request, and the record carries it
// all.  Nothing else probes the process for the record.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "allocators/malloc_select.hpp"

namespace lb {

struct Environment {
  std::string cpu, kernel, arch, compiler, hostname;
  unsigned cores = 0;
  std::string thp;          // the bracketed THP mode, "unknown" without THP
  malloc_detected malloc;   // the malloc that serves this process
  std::string git_revision; // of the source this binary was built from

  static Environment gather();
  nlohmann::json machine_json() const;  // the record's "machine"
  nlohmann::json malloc_json() const;   // the record's "allocator", but what was requested
};

}  // namespace lb
