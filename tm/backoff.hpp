// Waiting after an abort, shared by the runtimes that retry speculatively.
#pragma once
#include <algorithm>
#include <cstdint>
#include <thread>

namespace lbtm {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// A random number of pause instructions below 2^min(attempt + 1, max_log2)
// (rng: this thread's xorshift state); from attempt `yield_from` on, the CPU
// is also given away: with more threads than cores, the thread we collided
// with (or the lock holder) is often not running.
inline void randomized_backoff(uint64_t& rng, unsigned attempt, unsigned max_log2, unsigned yield_from) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  unsigned lg = std::min(attempt + 1, max_log2);
  uint64_t spins = lg == 0 ? 0 : rng & ((uint64_t(1) << lg) - 1);
  for (uint64_t i = 0; i < spins; ++i) cpu_relax();
  if (attempt >= yield_from) std::this_thread::yield();
}

}  // namespace lbtm
