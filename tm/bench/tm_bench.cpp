// `tm_bench`: barrier and commit costs of seq, lock, stm and tbb (and itm,
// registered from itm_bench.cpp).  tm/README.md has the numbers and command.
#include "tm/bench/bench_cases.hpp"
#include "tm/direct.hpp"
#include "tm/stm.hpp"
#include "tm/tbb.hpp"

void register_itm_benchmarks();  // itm_bench.cpp

int main(int argc, char** argv) {
  lbtm_bench::register_all<lbtm::SeqRuntime>("seq");
  lbtm_bench::register_all<lbtm::LockRuntime>("lock");
  lbtm_bench::register_all<lbtm::StmRuntime>("stm");
  lbtm_bench::register_all<lbtm::TbbRuntime>("tbb");
  register_itm_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
