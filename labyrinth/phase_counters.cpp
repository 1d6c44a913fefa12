#include "labyrinth/phase_counters.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace lb {
namespace {

// glibc has no wrapper for perf_event_open.
int perf_event_open(perf_event_attr* attr) {
  return (int)syscall(SYS_perf_event_open, attr, 0 /* this process */, -1 /* any CPU */, -1 /* no group */,
                      PERF_FLAG_FD_CLOEXEC);
}

std::string why(int err) {
  std::string text = std::strerror(err);
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      return text + " (the kernel exposes no such counter: no hardware PMU, e.g. a VM without PMU passthrough)";
    case EACCES:
    case EPERM:
      return text + " (not permitted: see /proc/sys/kernel/perf_event_paranoid, which must be <= 1 for kernel "
                    "events such as tracepoints unless the process has CAP_PERFMON; or a seccomp filter)";
    case ENOSYS:
      return text + " (this kernel has no perf_event_open)";
    default:
      return text;
  }
}

}  // namespace

std::vector<CounterSpec> PhaseCounters::hardware() {
  return {{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
          {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES}};
}

std::vector<CounterSpec> PhaseCounters::syscalls(std::string* why) {
  // tracefs is at /sys/kernel/tracing; older systems mount it under debugfs.
  static const char* const kRoots[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
  std::vector<CounterSpec> out;
  for (const char* call : {"mmap", "munmap", "mremap", "mprotect", "madvise", "brk"}) {
    uint64_t id = 0;
    bool found = false;
    for (const char* root : kRoots) {
      std::ifstream f(std::string(root) + "/events/syscalls/sys_enter_" + call + "/id");
      if (f >> id) {
        found = true;
        break;
      }
    }
    if (!found) {
      *why = std::string("no tracepoint id for syscalls:sys_enter_") + call +
             " under /sys/kernel/tracing or /sys/kernel/debug/tracing (tracefs not mounted, or not readable by "
             "this user; as root: mount -t tracefs nodev /sys/kernel/tracing, which perf also does itself)";
      return {};
    }
    out.push_back({call, PERF_TYPE_TRACEPOINT, id, true});
  }
  return out;
}

PhaseCounters::PhaseCounters(std::vector<CounterSpec> specs, std::string scope, std::string unavailable)
    : scope_(std::move(scope)), reason_(std::move(unavailable)) {
  if (!reason_.empty()) return;
  for (CounterSpec& s : specs) {
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = s.type;
    attr.config = s.config;
    attr.disabled = 1;
    attr.inherit = 1;  // threads created later count too (the router's workers)
    attr.exclude_kernel = s.kernel ? 0 : 1;
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    int fd = perf_event_open(&attr);
    if (fd < 0) {
      reason_ = "perf_event_open(" + s.name + "): " + why(errno);
      break;
    }
    counters_.push_back({std::move(s), fd});
  }
  if (!available())
    for (Counter& c : counters_) {
      close(c.fd);
      c.fd = -1;
    }
}

PhaseCounters::~PhaseCounters() {
  for (Counter& c : counters_)
    if (c.fd >= 0) close(c.fd);
}

void PhaseCounters::start() {
  if (!available()) return;
  for (Counter& c : counters_) {
    ioctl(c.fd, PERF_EVENT_IOC_RESET, 0);
    if (ioctl(c.fd, PERF_EVENT_IOC_ENABLE, 0) != 0) {
      reason_ = "enabling " + c.spec.name + ": " + std::strerror(errno);
      return;
    }
  }
}

void PhaseCounters::stop() {
  if (!available() || stopped_) return;
  stopped_ = true;
  for (Counter& c : counters_) ioctl(c.fd, PERF_EVENT_IOC_DISABLE, 0);
  for (Counter& c : counters_) {
    uint64_t v[3] = {0, 0, 0};  // value, time enabled, time running
    if (read(c.fd, v, sizeof v) != (ssize_t)sizeof v) {
      reason_ = "reading " + c.spec.name + ": " + std::strerror(errno);
      return;
    }
    if (v[2] == 0) {
      reason_ = c.spec.name + ": the kernel never scheduled the counter (all PMU slots taken)";
      return;
    }
    c.multiplexed = v[2] < v[1];
    // Shared with other counters part of the time: scale, as perf stat does.
    c.value = c.multiplexed ? (uint64_t)((long double)v[0] * v[1] / v[2]) : v[0];
  }
}

std::optional<uint64_t> PhaseCounters::value(const std::string& name) const {
  if (!available() || !stopped_) return std::nullopt;
  for (const Counter& c : counters_)
    if (c.spec.name == name) return c.value;
  return std::nullopt;
}

nlohmann::json PhaseCounters::to_json() const {
  if (!available()) return {{"available", false}, {"reason", reason_}};
  if (!stopped_) return {{"available", false}, {"reason", "the phase was not measured"}};
  nlohmann::json j = {{"available", true}, {"scope", scope_}};
  bool multiplexed = false;
  for (const Counter& c : counters_) {
    j[c.spec.name] = c.value;
    multiplexed = multiplexed || c.multiplexed;
  }
  j["multiplexed"] = multiplexed;
  return j;
}

}  // namespace lb
