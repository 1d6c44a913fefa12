// The router instantiated for `tbb` (compiled with lb_tm_tbb's -mrtm, see tm/tbb.hpp).
#include "labyrinth/router.hpp"
#include "tm/tbb.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_tbb_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::TbbRuntime, true>(const RouteRequest&);
RouteOutcome route_tbb(const RouteRequest& req) { return route<lbtm::TbbRuntime>(req); }
}  // namespace lb
