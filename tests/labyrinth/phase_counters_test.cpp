// PhaseCounters: counts are summed over the threads the phase starts, and a
// counter the kernel does not give is reported as unavailable with a reason,
// never as a number.
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

// The memory system calls of one phase, counted by the kernel's tracepoints:
// a thread started inside the phase makes 50 of each, and each count grows
// by 50 over a phase whose thread makes none (thread start and exit make the
// same few of their own in both).
struct MemoryCalls {
  uint64_t mmap, munmap, mremap, mprotect, madvise, brk;
};

MemoryCalls phase(bool calls) {
  std::string why;
  std::vector<lb::CounterSpec> specs = lb::PhaseCounters::syscalls(&why);
  lb::PhaseCounters c(specs, lb::PhaseCounters::kSyscallScope, why);
  if (!c.available()) return {~0ull, 0, 0, 0, 0, 0};
  c.start();
  std::thread t([calls] {
    for (int i = 0; calls && i < 50; ++i) {
      void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      ASSERT_NE(p, MAP_FAILED);
      ASSERT_EQ(mprotect(p, 4096, PROT_READ), 0);
      ASSERT_EQ(madvise(p, 4096, MADV_DONTNEED), 0);
      void* q = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
      ASSERT_NE(q, MAP_FAILED);
      ASSERT_EQ(munmap(q, 8192), 0);
      syscall(SYS_brk, 0);  // asks for the break, moves nothing
    }
  });
  t.join();
  c.stop();
  nlohmann::json j = c.to_json();
  EXPECT_EQ(j["available"], true);
  EXPECT_NE(j["scope"].get<std::string>().find("syscalls:sys_enter_"), std::string::npos);
  return {*c.value("mmap"), *c.value("munmap"), *c.value("mremap"), *c.value("mprotect"), *c.value("madvise"),
          *c.value("brk")};
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;  // the sanitizer's runtime maps memory of its own at any time
#else
constexpr bool kSanitized = false;
#endif

TEST(PhaseCounters, CountsTheMemorySystemCallsOfEveryThread) {
  std::string why;
  if (lb::PhaseCounters::syscalls(&why).empty()) GTEST_SKIP() << why;
  {
    lb::PhaseCounters probe(lb::PhaseCounters::syscalls(&why), lb::PhaseCounters::kSyscallScope);
    if (!probe.available()) GTEST_SKIP() << "syscall tracepoints not countable here: " << probe.reason();
  }
  phase(false);  // the first thread maps its stack; later ones reuse it from glibc's cache
  MemoryCalls none = phase(false), fifty = phase(true);
  auto check = [&](const char* name, uint64_t base, uint64_t with) {
    if (kSanitized) {  // the runtime's own calls come and go between phases (seen: 5 then 4 mmaps)
      EXPECT_GE(with + 8, base + 50) << name << ": the worker's calls must be counted";
    } else {
      EXPECT_GE(with, base + 50) << name << ": the worker's calls must all be counted";
      EXPECT_LE(with, base + 50 + 8) << name << ": counted calls nobody made";
    }
  };
  check("mmap", none.mmap, fifty.mmap);
  check("munmap", none.munmap, fifty.munmap);
  check("mremap", none.mremap, fifty.mremap);
  check("mprotect", none.mprotect, fifty.mprotect);
  check("madvise", none.madvise, fifty.madvise);
  check("brk", none.brk, fifty.brk);
}

TEST(PhaseCounters, SyscallsThatCannotBeCountedHaveAReasonAndNoNumbers) {
  lb::PhaseCounters c(lb::PhaseCounters::hardware(), lb::PhaseCounters::kSyscallScope, "tracefs not mounted");
  c.start();
  c.stop();
  nlohmann::json j = c.to_json();
  EXPECT_EQ(j, (nlohmann::json{{"available", false}, {"reason", "tracefs not mounted"}}));
  EXPECT_FALSE(c.value("instructions").has_value());
}

}  // namespace
