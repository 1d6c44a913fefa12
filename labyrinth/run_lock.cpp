// The router instantiated for `lock`.
#include "labyrinth/router.hpp"
#include "tm/direct.hpp"

namespace lb {
RouteOutcome route_lock(const RouteRequest& req) { return route<lbtm::LockRuntime>(req); }
}  // namespace lb
