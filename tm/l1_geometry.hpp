// The geometry of a level-1 data cache (sets x ways x line), as the HTM model
// needs it: read from Linux's sysfs description of the CPU's caches.
#pragma once
#include <string>

namespace lbtm {

struct L1Geometry {
  unsigned sets = 0;
  unsigned ways = 0;
  unsigned line_bytes = 0;
  std::string source;  // where the numbers came from: "sysfs" or the default's name
  unsigned bytes() const { return sets * ways * line_bytes; }
};

// Intel's L1d from Haswell to Coffee Lake (32 KiB, 8-way, 64-byte lines): the
// cache the published RTM results were measured on; used when sysfs has no
// level-1 data cache to describe.
inline L1Geometry intel_l1d() { return {64, 8, 64, "default (Intel Haswell-Skylake L1d)"}; }

// The first cache under `dir` (index0, index1, ...) with level 1 and type
// Data or Unified; intel_l1d() if there is none or it cannot be read.
L1Geometry read_l1d_geometry(const std::string& dir = "/sys/devices/system/cpu/cpu0/cache");

}  // namespace lbtm
