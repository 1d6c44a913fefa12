// Hardware counters for one phase of the run (the routing phase), summed over
// every thread the phase starts: perf_event_open with `inherit`, so threads
// created after the counters are opened count too, and their counts are folded
// into ours when they exit (the router joins them before the phase ends).
//
// Where the kernel gives no counter (a VM without a PMU, perf_event_paranoid,
// a seccomp filter) the reason is kept and no number is reported: a missing
// counter is never recorded as zero (labyrinth/RECORD.md, `counters`).
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
};

class PhaseCounters {
 public:
  // instructions and cycles, user space only (what perf_event_paranoid 2, the
  // usual default, lets an unprivileged process count of itself).
  static std::vector<CounterSpec> hardware();

  explicit PhaseCounters(std::vector<CounterSpec> specs = hardware());
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
  std::string reason_;
  bool stopped_ = false;
};

}  // namespace lb
