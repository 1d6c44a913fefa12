// The numbers a run is compared by: paths routed, total points and the
// path hash of ../shared/reference/README.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "labyrinth/route_types.hpp"

namespace lb {

struct PathSummary {
  int64_t paths_routed = 0;
  int64_t total_points = 0;  // endpoints included
  uint64_t path_hash = 0;    // FNV-1a 64
  std::string hash_hex() const;
};

// FNV-1a 64 over the paths in the given order: each point as its linear
// index in 8 little-endian bytes, then one 0xff byte after each path.
PathSummary summarize(const std::vector<const RoutedPath*>& paths);

// All paths of a run: worker by worker, each in its commit order (with one
// worker, the order they were routed in).
std::vector<const RoutedPath*> all_paths(const RouteOutcome& outcome);

// The TM statistics of a run: every worker's, summed.
lbtm::Stats total_stats(const RouteOutcome& outcome);

}  // namespace lb
