// Lee-TM's router instantiated for `itm`, compiled with -fgnu-tm
// (lb_tm_itm).  What it can express (lee_router.hpp; tm/README.md, "itm"):
//  - tracked: the search is a TM_PURE call, so GCC leaves the private temp
//    grid and queue uninstrumented (--private direct), and every shared
//    cell the wave reads goes through libitm's read barrier by hand
//    (ItmRuntime::Tx::load_from_pure): the read set is the whole wave;
//  - raw: the copy is a plain memcpy in that pure call, as STAMP's;
//  - privatized: the search runs outside any transaction; the claim is
//    compiler-instrumented;
//  - released: refused (libitm has no early release).
#include "labyrinth/lee_router.hpp"
#include "tm/itm.hpp"

namespace lb {
RouteOutcome route_lee_itm(const RouteRequest& req) { return route_lee<lbtm::ItmRuntime>(req); }
}  // namespace lb
