// The router instantiated for `seq` with the transaction lifetime of the
// private blocks, in a translation unit of its own (router.hpp says why).
#include "labyrinth/router.hpp"
#include "tm/direct.hpp"

namespace lb {
template RouteOutcome route_with_lifetime<lbtm::SeqRuntime, true>(const RouteRequest&);
}  // namespace lb
