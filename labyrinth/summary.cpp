#include "labyrinth/summary.hpp"

#include <cstdio>

namespace lb {

std::string PathSummary::hash_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)path_hash);
  return buf;
}

PathSummary summarize(const std::vector<const RoutedPath*>& paths) {
  PathSummary s;
  uint64_t h = 0xcbf29ce484222325ull;
  auto byte = [&h](uint8_t b) {
    h ^= b;
    h *= 0x100000001b3ull;
  };
  for (const RoutedPath* p : paths) {
    ++s.paths_routed;
    s.total_points += (int64_t)p->cells.size();
    for (uint32_t c : p->cells) {
      uint64_t v = c;
      for (int i = 0; i < 8; ++i) byte((uint8_t)(v >> (8 * i)));
    }
    byte(0xff);
  }
  s.path_hash = h;
  return s;
}

std::vector<const RoutedPath*> all_paths(const RouteOutcome& outcome) {
  std::vector<const RoutedPath*> out;
  for (const WorkerResult& w : outcome.workers)
    for (const RoutedPath& p : w.paths) out.push_back(&p);
  return out;
}

lbtm::Stats total_stats(const RouteOutcome& outcome) {
  lbtm::Stats total;
  for (const WorkerResult& w : outcome.workers) total += w.stats;
  return total;
}

}  // namespace lb
