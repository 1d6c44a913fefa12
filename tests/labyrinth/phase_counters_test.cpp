// PhaseCounters: counts are summed over the threads the phase starts, and a
// counter the kernel does not give is reported as unavailable with a reason,
// never as a number.
#include <linux/perf_event.h>
#include <time.h>

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "labyrinth/phase_counters.hpp"

namespace {

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Burns about `seconds` of this thread's CPU time; returns what it burned.
double burn(double seconds) {
  double start = thread_cpu_s(), now = start;
  volatile uint64_t sink = 0;
  while ((now = thread_cpu_s()) - start < seconds)
    for (int i = 0; i < 10000; ++i) sink = sink + i;
  return now - start;
}

// task-clock is a software counter: every kernel with perf_event_open has it,
// so the inheritance over threads is tested even where no PMU is exposed.
TEST(PhaseCounters, SumsOverTheThreadsThePhaseStarts) {
  lb::PhaseCounters c({{"task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK}});
  if (!c.available()) GTEST_SKIP() << "no perf_event_open here at all: " << c.reason();
  c.start();
  std::vector<double> burned(3);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < burned.size(); ++i) threads.emplace_back([&, i] { burned[i] = burn(0.05); });
  for (auto& t : threads) t.join();
  c.stop();
  double total = burned[0] + burned[1] + burned[2];
  ASSERT_TRUE(c.value("task_clock_ns").has_value());
  double counted = (double)*c.value("task_clock_ns") * 1e-9;
  EXPECT_GT(counted, 0.9 * total) << "the workers' time must be counted, not only the opener's";
  EXPECT_LT(counted, 1.5 * total + 0.05);
  nlohmann::json j = c.to_json();
  EXPECT_EQ(j["available"], true);
  EXPECT_EQ(j["task_clock_ns"].get<uint64_t>(), *c.value("task_clock_ns"));
}

TEST(PhaseCounters, HardwareCountersOrTheReasonWhyNot) {
  lb::PhaseCounters c;
  c.start();
  std::thread t([] { burn(0.02); });
  t.join();
  c.stop();
  nlohmann::json j = c.to_json();
  if (c.available()) {
    EXPECT_GT(j["instructions"].get<uint64_t>(), 1000000u);  // 20 ms of a loop
    EXPECT_GT(j["cycles"].get<uint64_t>(), 1000000u);
  } else {
    EXPECT_EQ(j["available"], false);
    EXPECT_FALSE(j.contains("instructions")) << "an unavailable counter must not be a number";
    EXPECT_FALSE(j.contains("cycles"));
    EXPECT_NE(j["reason"].get<std::string>().find("perf_event_open"), std::string::npos) << j.dump();
    EXPECT_FALSE(c.value("instructions").has_value());
  }
}

TEST(PhaseCounters, AnUnknownCounterIsUnavailableWithItsName) {
  lb::PhaseCounters c({{"bogus", PERF_TYPE_HARDWARE, 0xdeadbeef}});
  EXPECT_FALSE(c.available());
  c.start();
  c.stop();
  EXPECT_NE(c.reason().find("perf_event_open(bogus)"), std::string::npos) << c.reason();
  EXPECT_EQ(c.to_json()["available"], false);
}

}  // namespace
