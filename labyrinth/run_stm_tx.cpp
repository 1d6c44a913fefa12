// The router instantiated for `stm` with the transaction lifetime of the
// private blocks, in a translation unit of its own (router.hpp says why).
#include "labyrinth/router.hpp"
#include "tm/stm.hpp"

namespace lb {
template RouteOutcome route_with_lifetime<lbtm::StmRuntime, true>(const RouteRequest&);
}  // namespace lb
