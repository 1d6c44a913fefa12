// What a routing request needs of a TM runtime that the runtime cannot do:
// refused before any routing, never ignored (../shared/DESIGN.md, "The TM
// interface").  Both rule sets' routers ask it.
#pragma once
#include "labyrinth/route_types.hpp"

namespace lb {

// Throws std::invalid_argument naming runtime `tm` and what it lacks.
// `restart_for` says why the router restarts transactions (a claim that
// meets another thread's path, ...); nullptr when the request never
// restarts one.
void check_capabilities(const char* tm, const lbtm::Capabilities& c, const RouteRequest& req,
                        const char* restart_for);

}  // namespace lb
