#include "tm/tbb.hpp"

#include <cpuid.h>

namespace lbtm {

bool cpu_has_rtm() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0, nullptr) < 7) return false;
  __cpuid_count(7, 0, a, b, c, d);
  return (b >> 11) & 1;
}

}  // namespace lbtm
