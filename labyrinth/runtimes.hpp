// The table that maps runtime names (--tm NAME) to router instantiations.
// Each instantiation lives in its own translation unit, run_<name>.cpp, so
// a runtime can have its own compiler flags (libitm needs -fgnu-tm).
#pragma once
#include <string_view>
#include <vector>

#include "labyrinth/route_types.hpp"

namespace lb {

using RouteFn = RouteOutcome (*)(const RouteRequest&);

struct RuntimeEntry {
  const char* name;
  const char* summary;  // one line for --help and --list-tms
  RouteFn route;
};

const std::vector<RuntimeEntry>& runtime_table();
const RuntimeEntry* find_runtime(std::string_view name);

}  // namespace lb
