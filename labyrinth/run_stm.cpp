// The router instantiated for `stm`.
#include "labyrinth/router.hpp"
#include "tm/stm.hpp"

namespace lb {
RouteOutcome route_stm(const RouteRequest& req) { return route<lbtm::StmRuntime>(req); }
}  // namespace lb
