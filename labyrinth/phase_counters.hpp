// Counters for one phase of the run (the routing phase), summed over every
// thread the phase starts: perf_event_open with `inherit`, so threads created
// after the counters are opened count too, and their counts are folded into
// ours when they exit (the router joins them before the phase ends).  Two
// sets: hardware counters (instructions, cycles; the record's `counters`) and
// the memory system calls entered (the kernel's syscalls:sys_enter_*
// tracepoints, counted, never sampled; the record's `syscalls`).
//
// Where the kernel gives no counter (a VM without a PMU, perf_event_paranoid,
// a seccomp filter, tracefs not mounted) the reason is kept and no number is
// reported: a missing counter is never recorded as zero (labyrinth/RECORD.md).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lb {

struct CounterSpec {
  std::string name;  // the record's key, e.g. "instructions"
  uint32_t type;     // perf_event_attr.type (PERF_TYPE_HARDWARE, ...)
  uint64_t config;   // perf_event_attr.config
  bool kernel = false;  // count events in the kernel too (a tracepoint fires only there)
};

class PhaseCounters {
 public:
  // instructions and cycles, user space only (what perf_event_paranoid 2, the
  // usual default, lets an unprivileged process count of itself).
  static std::vector<CounterSpec> hardware();
  // Entries into mmap, munmap, mremap, mprotect, madvise and brk: the kernel's
  // syscalls:sys_enter_* tracepoints, whose ids tracefs publishes.  Empty,
  // with *why, when they cannot be found (tracefs not mounted, not readable).
  // Counting them needs kernel events: perf_event_paranoid <= 1 or
  // CAP_PERFMON (else the set is unavailable, with that reason).
  static std::vector<CounterSpec> syscalls(std::string* why);
  static constexpr const char* kUserScope = "routing phase, all threads, user space";
  static constexpr const char* kSyscallScope =
      "routing phase, all threads: entries into each system call (tracepoints syscalls:sys_enter_*)";

  // `unavailable` non-empty: open nothing, report that reason.
  explicit PhaseCounters(std::vector<CounterSpec> specs = hardware(), std::string scope = kUserScope,
                         std::string unavailable = "");
  ~PhaseCounters();
  PhaseCounters(const PhaseCounters&) = delete;
  PhaseCounters& operator=(const PhaseCounters&) = delete;

  void start();  // just before the phase, on the thread that starts its workers
  void stop();   // just after the workers were joined

  bool available() const { return reason_.empty(); }
  const std::string& reason() const { return reason_; }
  // The count of a counter after stop(), scaled up if the kernel multiplexed it.
  std::optional<uint64_t> value(const std::string& name) const;
  // {"available": true, "<name>": N, ..., "multiplexed": bool} or
  // {"available": false, "reason": "..."}.
  nlohmann::json to_json() const;

 private:
  struct Counter {
    CounterSpec spec;
    int fd = -1;
    uint64_t value = 0;
    bool multiplexed = false;
  };
  std::vector<Counter> counters_;
  std::string scope_;
  std::string reason_;
  bool stopped_ = false;
};

}  // namespace lb
