// The itm registrations, in their own -fgnu-tm translation unit.  libitm's
// method decides what a load costs (serialirr runs uninstrumented, ml_wt logs
// every read), so the output records the method, where it came from, and how
// a transaction actually ran (retryable or irrevocable): a number without
// them cannot be compared with anything.
#include <string>

#include "tm/bench/bench_cases.hpp"
#include "tm/itm.hpp"

void register_itm_benchmarks() {
  // The runtime reads ITM_DEFAULT_METHOD (setting ml_wt when it is unset)
  // before libitm's first transaction, exactly as every benchmark's fixture
  // does; the probe transaction shows what libitm then does.
  lbtm::ItmRuntime rt({}, 1);
  lbtm::ItmRuntime::Thread th(rt, 0);
  uint64_t how = 0;
  th.atomically([&](lbtm::ItmRuntime::Tx&) { lbtm::itm_detail::set(&how, uint64_t(lbtm::itm_detail::how_executing())); });
  auto d = rt.describe();
  benchmark::AddCustomContext("itm_method", d.at("method"));
  benchmark::AddCustomContext("itm_method_source", d.at("method_source"));
  benchmark::AddCustomContext("itm_transactions_run",
                              how == 1 ? "retryable (instrumented)" : how == 2 ? "irrevocable (serial)" : "unknown");
  lbtm_bench::register_all<lbtm::ItmRuntime>("itm");
}
