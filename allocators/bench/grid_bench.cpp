// A Labyrinth private grid (512 x 512 x 7 cells of 8 bytes, 14.7 MB):
//  - first touch: get a fresh grid-sized block and write every 4 KiB of it,
//    with the page faults per iteration as a counter.  malloc pays its faults
//    here (or not, when it keeps the memory between iterations); allocpage
//    pays them in the blocking refill that maps and pre-faults the block, so
//    that is what is timed for it.
//  - copy: memcpy of the shared grid into a grid-sized block that is already
//    faulted in, per source of the block, against two pre-faulted mmap
//    buffers (the machine's limit).
#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "allocators/allocpage.hpp"
#include "allocators/pagemap.hpp"

namespace {

constexpr size_t kGrid = size_t{512} * 512 * 7 * 8;
constexpr size_t kTouch = 4096;

long minor_faults() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

void touch(char* p, size_t bytes) {
  for (size_t off = 0; off < bytes; off += kTouch) p[off] = 1;
  benchmark::ClobberMemory();
}

bool init_allocpage(size_t page_size, size_t reserve, benchmark::State& state) {
  allocpage_config cfg;
  cfg.page_size = page_size;
  cfg.reserve_bytes = reserve;
  cfg.refill_bytes = page_size;  // a refill commits exactly what is asked
  cfg.limit_bytes = 4 * kGrid + 4 * page_size;
  std::string error;
  if (allocpage_init(cfg, &error)) return true;
  state.SkipWithError(error.c_str());
  return false;
}

size_t grid_pages(size_t page_size) { return (kGrid + page_size - 1) / page_size; }

// Nothing is freed until the end: every grid is memory the process never
// touched before (what a worker's private grid costs at start).  Run it in a
// process of its own (run_mallocs.py does): a malloc that kept an earlier
// benchmark's grid would serve it from there.
void BM_first_touch_malloc_fresh(benchmark::State& state) {
  std::vector<char*> kept;
  long faults = 0;
  for (auto _ : state) {
    long f0 = minor_faults();
    char* p = static_cast<char*>(std::malloc(kGrid));
    touch(p, kGrid);
    kept.push_back(p);
    faults += minor_faults() - f0;
  }
  for (char* p : kept) std::free(p);
  state.counters["faults_per_iter"] = benchmark::Counter(static_cast<double>(faults) / state.iterations());
}
BENCHMARK(BM_first_touch_malloc_fresh)->Iterations(16)->Unit(benchmark::kMicrosecond);

// A grid-sized block taken and given back over and over: whether the malloc
// keeps it (no faults) or returns it to the kernel (faults every time).
void BM_first_touch_malloc(benchmark::State& state) {
  long faults = 0;
  for (auto _ : state) {
    long f0 = minor_faults();
    char* p = static_cast<char*>(std::malloc(kGrid));
    touch(p, kGrid);
    std::free(p);
    faults += minor_faults() - f0;
  }
  state.counters["faults_per_iter"] = benchmark::Counter(static_cast<double>(faults) / state.iterations());
}
BENCHMARK(BM_first_touch_malloc)->Unit(benchmark::kMicrosecond);


// Arg: page size in KiB.  Each iteration starts from an empty allocator, so
// the block is mapped and pre-faulted by the blocking request itself.
void BM_first_touch_allocpage(benchmark::State& state) {
  size_t page_size = static_cast<size_t>(state.range(0)) * 1024;
  long faults = 0;
  for (auto _ : state) {
    state.PauseTiming();
    if (!init_allocpage(page_size, page_size, state)) break;
    allocpage(ALLOCPAGE_ATOMIC);  // the reserve's page: the block must come from a refill
    long f0 = minor_faults();
    state.ResumeTiming();
    char* p = static_cast<char*>(allocpage_block(grid_pages(page_size), ALLOCPAGE_BLOCKING | ALLOCPAGE_EXCLUSIVE));
    if (!p) {
      state.SkipWithError("blocking request failed");
      break;
    }
    touch(p, kGrid);
    state.PauseTiming();
    faults += minor_faults() - f0;
    allocpage_fini();
    state.ResumeTiming();
  }
  state.SetLabel(pagemap_size_name(page_size));
  if (state.iterations())
    state.counters["faults_per_iter"] = benchmark::Counter(static_cast<double>(faults) / state.iterations());
}
BENCHMARK(BM_first_touch_allocpage)->ArgName("page_kib")->Arg(4)->Arg(2048)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

void copy_loop(benchmark::State& state, char* dst, const char* src) {
  for (auto _ : state) {
    std::memcpy(dst, src, kGrid);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kGrid));
}

char* prefaulted_mmap() {
  void* p = mmap(nullptr, kGrid, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

void BM_copy_prefaulted_mmap(benchmark::State& state) {
  char* src = prefaulted_mmap();
  char* dst = prefaulted_mmap();
  copy_loop(state, dst, src);
  munmap(src, kGrid);
  munmap(dst, kGrid);
}
BENCHMARK(BM_copy_prefaulted_mmap)->Unit(benchmark::kMicrosecond);

void BM_copy_to_malloc(benchmark::State& state) {
  char* src = prefaulted_mmap();
  char* dst = static_cast<char*>(std::malloc(kGrid));
  touch(dst, kGrid);
  copy_loop(state, dst, src);
  std::free(dst);
  munmap(src, kGrid);
}
BENCHMARK(BM_copy_to_malloc)->Unit(benchmark::kMicrosecond);

void BM_copy_to_allocpage(benchmark::State& state) {
  size_t page_size = static_cast<size_t>(state.range(0)) * 1024;
  state.SetLabel(pagemap_size_name(page_size));
  if (!init_allocpage(page_size, grid_pages(page_size) * page_size, state)) return;
  char* src = prefaulted_mmap();
  char* dst = static_cast<char*>(allocpage_block(grid_pages(page_size), ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE));
  if (!dst) {
    state.SkipWithError("atomic request for the grid failed");
  } else {
    copy_loop(state, dst, src);
  }
  munmap(src, kGrid);
  allocpage_fini();
}
BENCHMARK(BM_copy_to_allocpage)->ArgName("page_kib")->Arg(4)->Arg(2048)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

}  // namespace
