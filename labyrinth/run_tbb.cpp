// The router instantiated for `tbb` (compiled with lb_tm_tbb's -mrtm, see tm/tbb.hpp).
#include "labyrinth/router.hpp"
#include "tm/tbb.hpp"

namespace lb {
RouteOutcome route_tbb(const RouteRequest& req) { return route<lbtm::TbbRuntime>(req); }
}  // namespace lb
