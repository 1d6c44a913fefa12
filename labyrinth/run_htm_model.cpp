// The router instantiated for `htm-model` (tm/htm_model.hpp).  The model
// sees every access (kTracksEveryAccess), so under it STAMP's shapes keep
// the grid copy and the private-grid accesses inside the transaction, where
// hardware would track them: raw and tracked are the same there, and
// --private direct is instrumented.  The privatized shape leaves only the
// claim inside.
#include "labyrinth/router.hpp"
#include "tm/htm_model.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_htm_model_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::HtmModelRuntime, true>(const RouteRequest&);
RouteOutcome route_htm_model(const RouteRequest& req) { return route<lbtm::HtmModelRuntime>(req); }
}  // namespace lb
