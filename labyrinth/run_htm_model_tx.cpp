// The router instantiated for `htm-model` with the transaction lifetime of the
// private blocks, in a translation unit of its own (router.hpp says why).
#include "labyrinth/router.hpp"
#include "tm/htm_model.hpp"

namespace lb {
template RouteOutcome route_with_lifetime<lbtm::HtmModelRuntime, true>(const RouteRequest&);
}  // namespace lb
