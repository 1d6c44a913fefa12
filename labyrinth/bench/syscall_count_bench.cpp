// What counting the memory system calls costs (the record's `syscalls`,
// labyrinth/phase_counters.hpp): the same system calls timed with the
// tracepoint counters off and on.  `counting:1` minus `counting:0` is the
// cost per call, once for a counted call (mmap + munmap of one page) and
// once for a call that is not counted but still takes the kernel's slower
// entry path while any syscall tracepoint is enabled (getppid).
//
//   build/rel/bin/syscall_count_bench --benchmark_repetitions=5
//
// The counters are opened once per benchmark (as labyrinth opens them once
// per run) and enabled only around the timed loop.
#include <benchmark/benchmark.h>
#include <sys/mman.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "labyrinth/phase_counters.hpp"

namespace {

// Counting on (state.range(0) == 1) or off; skips the benchmark, with the
// reason, where the counters cannot be had.
std::unique_ptr<lb::PhaseCounters> counters_for(benchmark::State& state) {
  if (state.range(0) == 0) return nullptr;
  std::string why;
  auto specs = lb::PhaseCounters::syscalls(&why);
  auto c = std::make_unique<lb::PhaseCounters>(std::move(specs), lb::PhaseCounters::kSyscallScope, why);
  if (!c->available()) state.SkipWithError(("no syscall counters: " + c->reason()).c_str());
  return c;
}

void BM_MmapMunmapPage(benchmark::State& state) {
  auto c = counters_for(state);
  if (c) c->start();
  for (auto _ : state) {
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    benchmark::DoNotOptimize(p);
    munmap(p, 4096);
  }
  if (c) {
    c->stop();
    // The counter saw every call (and the benchmark's own few): a count that
    // fell short would make the cost meaningless.
    if (c->value("mmap").value_or(0) < (uint64_t)state.iterations())
      state.SkipWithError("the mmap counter missed calls");
    state.counters["counted_mmap"] = (double)c->value("mmap").value_or(0);
  }
}
BENCHMARK(BM_MmapMunmapPage)->ArgName("counting")->Arg(0)->Arg(1);

void BM_UncountedSyscall(benchmark::State& state) {
  auto c = counters_for(state);
  if (c) c->start();
  for (auto _ : state) benchmark::DoNotOptimize(getppid());  // glibc does not cache getppid
  if (c) c->stop();
}
BENCHMARK(BM_UncountedSyscall)->ArgName("counting")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
