// The router instantiated for `seq`.
#include "labyrinth/router.hpp"
#include "tm/direct.hpp"

namespace lb {
RouteOutcome route_seq(const RouteRequest& req) { return route<lbtm::SeqRuntime>(req); }
}  // namespace lb
