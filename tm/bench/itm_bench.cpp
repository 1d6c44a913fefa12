// The itm registrations, in their own -fgnu-tm translation unit.
#include "tm/bench/bench_cases.hpp"
#include "tm/itm.hpp"

void register_itm_benchmarks() { lbtm_bench::register_all<lbtm::ItmRuntime>("itm"); }
