// The router instantiated for `itm`, compiled with -fgnu-tm (lb_tm_itm): GCC
// instruments every access the routing transaction makes.  Which of
// Labyrinth's shapes that can express (tm/README.md, "itm"):
//  - snapshot raw: yes: the copy runs in a transaction_pure function
//    (router.hpp's copy_row_raw), uninstrumented as in STAMP's STM build;
//  - snapshot tracked: yes: every cell read is instrumented;
//  - snapshot released: no: libitm has no early release;
//  - private direct: yes: expansion and traceback run in a transaction_pure
//    call, uninstrumented as STAMP's hand-instrumented code;
//  - private instrumented: yes, always logged: libitm has no notion of
//    private memory, so --private-filter has no effect.
#include <stdexcept>

#include "labyrinth/router.hpp"
#include "tm/itm.hpp"

namespace lb {
RouteOutcome route_itm(const RouteRequest& req) {
  if (req.params.snapshot == Snapshot::kReleased)
    throw std::invalid_argument(
        "itm cannot express --snapshot released: libitm has no early release (use raw or tracked)");
  return route<lbtm::ItmRuntime>(req);
}
}  // namespace lb
