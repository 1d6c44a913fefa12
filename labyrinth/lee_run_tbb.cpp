// Lee-TM's router instantiated for `tbb` (compiled with lb_tm_tbb's -mrtm).
#include "labyrinth/lee_router.hpp"
#include "tm/tbb.hpp"

namespace lb {
RouteOutcome route_lee_tbb(const RouteRequest& req) { return route_lee<lbtm::TbbRuntime>(req); }
}  // namespace lb
