#include "labyrinth/runtimes.hpp"

namespace lb {

// One per run_<name>.cpp.
RouteOutcome route_seq(const RouteRequest&);
RouteOutcome route_lock(const RouteRequest&);
RouteOutcome route_stm(const RouteRequest&);
RouteOutcome route_tbb(const RouteRequest&);
RouteOutcome route_itm(const RouteRequest&);
RouteOutcome route_htm_model(const RouteRequest&);

const std::vector<RuntimeEntry>& runtime_table() {
  static const std::vector<RuntimeEntry> table = {
      {"seq", "no synchronisation, one thread only (the speedup baseline)", &route_seq},
      {"lock", "one global mutex held for every whole transaction", &route_lock},
      {"stm", "our word-based TL2-style STM with early release (tm/stm.hpp)", &route_stm},
      {"tbb", "tbb::speculative_spin_mutex: lock elision where the CPU has RTM, else a spin lock", &route_tbb},
      {"itm", "GCC libitm via __transaction_atomic; method from ITM_DEFAULT_METHOD (no --snapshot released)",
       &route_itm},
      {"htm-model",
       "a software model of best-effort hardware TM: L1-bounded write set, line-granularity requester-wins "
       "conflicts, fallback lock (tm/htm_model.hpp; a model, not hardware)",
       &route_htm_model},
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
    case Snapshot::kPrivatized: return "privatized";
  }
  return "?";
}

const char* to_string(PrivateAccess p) {
  switch (p) {
    case PrivateAccess::kDirect: return "direct";
    case PrivateAccess::kInstrumented: return "instrumented";
  }
  return "?";
}

const char* to_string(PrivateLifetime l) {
  switch (l) {
    case PrivateLifetime::kWorker: return "worker";
    case PrivateLifetime::kTransaction: return "transaction";
  }
  return "?";
}

}  // namespace lb
