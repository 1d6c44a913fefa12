// One page requested and freed: allocpage's atomic request against the
// malloc serving the process (malloc(4096), and aligned_alloc(4096, 4096),
// which is what a page allocator returns), on 1 and 2 threads.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "allocators/allocpage.hpp"

namespace {

constexpr size_t kPage = 4096;

void init_allocpage(const benchmark::State&) {
  allocpage_config cfg;
  cfg.page_size = kPage;
  cfg.reserve_bytes = 1024 * kPage;
  std::string error;
  if (!allocpage_init(cfg, &error)) std::abort();
}
void fini_allocpage(const benchmark::State&) { allocpage_fini(); }

void BM_allocpage_atomic(benchmark::State& state) {
  unsigned flags = ALLOCPAGE_ATOMIC | (state.range(0) ? unsigned{ALLOCPAGE_EXCLUSIVE} : 0u);
  for (auto _ : state) {
    void* p = allocpage(flags);
    benchmark::DoNotOptimize(p);
    allocpage_free(p);
  }
  if (allocpage_get_stats().failed_atomic) state.SkipWithError("the reserve ran dry");
}
BENCHMARK(BM_allocpage_atomic)->ArgName("exclusive")->Arg(0)->Arg(1)->Threads(1)->Threads(2)
    ->Setup(init_allocpage)->Teardown(fini_allocpage)->UseRealTime();

void BM_malloc_page(benchmark::State& state) {
  for (auto _ : state) {
    void* p = std::malloc(kPage);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_malloc_page)->Threads(1)->Threads(2)->UseRealTime();

void BM_aligned_alloc_page(benchmark::State& state) {
  for (auto _ : state) {
    void* p = std::aligned_alloc(kPage, kPage);
    benchmark::DoNotOptimize(p);
    std::free(p);
  }
}
BENCHMARK(BM_aligned_alloc_page)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
