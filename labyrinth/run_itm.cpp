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
//    private memory, so it runs only with --private-filter off.
// The router refuses what cannot be expressed, from ItmRuntime::capabilities().
#include "labyrinth/router.hpp"
#include "tm/itm.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_itm_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::ItmRuntime, true>(const RouteRequest&);
RouteOutcome route_itm(const RouteRequest& req) { return route<lbtm::ItmRuntime>(req); }
}  // namespace lb
