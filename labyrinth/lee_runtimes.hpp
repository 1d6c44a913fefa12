// The runtimes that route Lee-TM boards under Lee-TM's rules (--rules
// lee-tm): one lee_router.hpp instantiation each, like runtimes.hpp's table.
#pragma once
#include <string_view>

#include "labyrinth/runtimes.hpp"

namespace lb {

// The lee-tm router for runtime `name` (every runtime of runtime_table()),
// or nullptr for a name that is none.
RouteFn lee_route_fn(std::string_view name);

}  // namespace lb
