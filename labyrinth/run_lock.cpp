// The router instantiated for `lock`.
#include "labyrinth/router.hpp"
#include "tm/direct.hpp"

namespace lb {
// The transaction lifetime's instantiation: run_lock_tx.cpp (router.hpp says why).
extern template RouteOutcome route_with_lifetime<lbtm::LockRuntime, true>(const RouteRequest&);
RouteOutcome route_lock(const RouteRequest& req) { return route<lbtm::LockRuntime>(req); }
}  // namespace lb
