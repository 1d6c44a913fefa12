#include "labyrinth/runtimes.hpp"

namespace lb {

// One per run_<name>.cpp.
RouteOutcome route_seq(const RouteRequest&);
RouteOutcome route_lock(const RouteRequest&);

const std::vector<RuntimeEntry>& runtime_table() {
  static const std::vector<RuntimeEntry> table = {
      {"seq", "no synchronisation, one thread only (the speedup baseline)", &route_seq},
      {"lock", "one global mutex held for every whole transaction", &route_lock},
  };
  return table;
}

const RuntimeEntry* find_runtime(std::string_view name) {
  for (const RuntimeEntry& e : runtime_table())
    if (name == e.name) return &e;
  return nullptr;
}

const char* to_string(Snapshot s) {
  switch (s) {
    case Snapshot::kRaw: return "raw";
    case Snapshot::kTracked: return "tracked";
    case Snapshot::kReleased: return "released";
  }
  return "?";
}

const char* to_string(PrivateAccess p) {
  return p == PrivateAccess::kDirect ? "direct" : "instrumented";
}

}  // namespace lb
