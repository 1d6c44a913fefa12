// Test only: a build made slower on purpose, so that `harness ab` can be shown
// to flag a real regression (harness/README.md, "Nightly gating with ab").
// The CMake option LB_TEST_SLOWDOWN_PERCENT (0, the default, compiles nothing)
// makes each worker, after every routed pair, burn that percentage of the CPU
// time the pair took on its thread: a busy loop calibrated against the thread's
// CPU clock, so the build does that much more work on every input, runtime and
// machine, however loaded (calibrated against the wall clock instead, it would
// also stretch with the time spent waiting for a CPU).  The record says so
// (`build.test_slowdown_percent`), so such a run is never mistaken for a real one.
#pragma once
#include <time.h>

#include <cstdint>

#ifndef LB_TEST_SLOWDOWN_PERCENT
#define LB_TEST_SLOWDOWN_PERCENT 0
#endif

namespace lb {

inline constexpr int kTestSlowdownPercent = LB_TEST_SLOWDOWN_PERCENT;

static inline int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// Where a pair's work starts (nothing to read unless the slowdown is built in).
static inline int64_t test_slowdown_start() {
  if constexpr (kTestSlowdownPercent > 0) return thread_cpu_ns();
  return 0;
}

// Burns kTestSlowdownPercent % of the thread CPU time since `started`, in user
// space (the clock is read every few thousand iterations).
static inline void test_slowdown(int64_t started) {
  if constexpr (kTestSlowdownPercent > 0) {
    int64_t now = thread_cpu_ns();
    int64_t until = now + (now - started) * kTestSlowdownPercent / 100;
    volatile uint64_t sink = 0;
    while (thread_cpu_ns() < until)
      for (int i = 0; i < 4096; ++i) sink = sink + (uint64_t)i;
  } else {
    (void)started;
  }
}

}  // namespace lb
