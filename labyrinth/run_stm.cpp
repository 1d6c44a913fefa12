// The router instantiated for `stm`.
#include "labyrinth/router.hpp"
#include "tm/stm.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_stm_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::StmRuntime, true>(const RouteRequest&);
RouteOutcome route_stm(const RouteRequest& req) { return route<lbtm::StmRuntime>(req); }
}  // namespace lb
