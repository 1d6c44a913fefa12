// The router instantiated for `tbb` with the transaction lifetime of the
// private blocks, in a translation unit of its own (router.hpp says why).
#include "labyrinth/router.hpp"
#include "tm/tbb.hpp"

namespace lb {
template RouteOutcome route_with_lifetime<lbtm::TbbRuntime, true>(const RouteRequest&);
}  // namespace lb
