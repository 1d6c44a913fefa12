// The router instantiated for `seq`.
#include "labyrinth/router.hpp"
#include "tm/direct.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_seq_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::SeqRuntime, true>(const RouteRequest&);
RouteOutcome route_seq(const RouteRequest& req) { return route<lbtm::SeqRuntime>(req); }
}  // namespace lb
