// Lee-TM's router instantiated for seq, lock, stm and htm-model (tbb's and
// itm's are lee_run_tbb.cpp and lee_run_itm.cpp: their translation units
// need -mrtm and -fgnu-tm).
#include "labyrinth/lee_runtimes.hpp"

#include "labyrinth/lee_router.hpp"
#include "tm/direct.hpp"
#include "tm/htm_model.hpp"
#include "tm/stm.hpp"

namespace lb {

RouteOutcome route_lee_tbb(const RouteRequest&);
RouteOutcome route_lee_itm(const RouteRequest&);

RouteFn lee_route_fn(std::string_view name) {
  if (name == "seq") return [](const RouteRequest& r) { return route_lee<lbtm::SeqRuntime>(r); };
  if (name == "lock") return [](const RouteRequest& r) { return route_lee<lbtm::LockRuntime>(r); };
  if (name == "stm") return [](const RouteRequest& r) { return route_lee<lbtm::StmRuntime>(r); };
  if (name == "tbb") return &route_lee_tbb;
  if (name == "itm") return &route_lee_itm;
  if (name == "htm-model") return [](const RouteRequest& r) { return route_lee<lbtm::HtmModelRuntime>(r); };
  return nullptr;
}

}  // namespace lb
