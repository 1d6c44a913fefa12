// Lee-TM's router instantiated for seq, lock and stm (tbb's instantiation is
// lee_run_tbb.cpp: its translation unit needs -mrtm).
#include "labyrinth/lee_runtimes.hpp"

#include "labyrinth/lee_router.hpp"
#include "tm/direct.hpp"
#include "tm/stm.hpp"

namespace lb {

RouteOutcome route_lee_tbb(const RouteRequest&);

RouteFn lee_route_fn(std::string_view name) {
  if (name == "seq") return [](const RouteRequest& r) { return route_lee<lbtm::SeqRuntime>(r); };
  if (name == "lock") return [](const RouteRequest& r) { return route_lee<lbtm::LockRuntime>(r); };
  if (name == "stm") return [](const RouteRequest& r) { return route_lee<lbtm::StmRuntime>(r); };
  if (name == "tbb") return &route_lee_tbb;
  return nullptr;
}

}  // namespace lb
