// The router instantiated for `itm` with the transaction lifetime of the
// private blocks, in a translation unit of its own (router.hpp says why).
#include "labyrinth/router.hpp"
#include "tm/itm.hpp"

namespace lb {
template RouteOutcome route_with_lifetime<lbtm::ItmRuntime, true>(const RouteRequest&);
}  // namespace lb
