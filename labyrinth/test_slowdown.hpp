// Test only: a build made slower on purpose, so that `harness ab` can be shown
// to flag a real regression (harness/README.md, "False alarms and detection").
// The CMake option LB_TEST_SLOWDOWN_PERCENT (0, the default, compiles nothing)
// makes each worker spin, after every routed pair, for that percentage of the
// time the pair took: a busy loop calibrated against the clock, so the build is
// that much slower on every input, runtime and machine.  The record says so
// (`build.test_slowdown_percent`), so such a run is never mistaken for a real one.
#pragma once
#include <chrono>

#ifndef LB_TEST_SLOWDOWN_PERCENT
#define LB_TEST_SLOWDOWN_PERCENT 0
#endif

namespace lb {

inline constexpr int kTestSlowdownPercent = LB_TEST_SLOWDOWN_PERCENT;

// Spins for kTestSlowdownPercent % of the time since `since`.
static inline void test_slowdown(std::chrono::steady_clock::time_point since) {
  if constexpr (kTestSlowdownPercent > 0) {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    auto until = start + (start - since) * kTestSlowdownPercent / 100;
    while (Clock::now() < until) {
    }
  } else {
    (void)since;
  }
}

}  // namespace lb
