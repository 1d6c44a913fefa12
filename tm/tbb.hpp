// `tbb`: oneTBB's speculative_spin_mutex around the whole transaction, on
// DirectRuntime (writes in place, undo log for tx.restart()).  Where the CPU
// has Intel TSX/RTM, TBB runs each critical section as a hardware
// transaction and falls back to the spin lock; elsewhere it is the spin lock.
//
// oneTBB only aliases speculative_spin_mutex to its RTM mutex when the
// translation unit is compiled with -mrtm (the lb_tm_tbb target adds it;
// that flag only changes the alias: the xbegin lives in libtbb, which checks
// the CPU at run time).  describe() records what cpuid says.
#pragma once
#include <oneapi/tbb/spin_mutex.h>

#include <type_traits>

#include "tm/direct.hpp"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace lbtm {

static_assert(std::is_same_v<tbb::speculative_spin_mutex, tbb::detail::d1::rtm_mutex>,
              "build tbb runtime users with -mrtm (link lb_tm_tbb) so speculative_spin_mutex can elide");

// Does this CPU offer RTM (cpuid leaf 7, EBX bit 11)?
bool cpu_has_rtm();

// One acquisition of the speculative mutex.  libtbb is not built with
// ThreadSanitizer, so under TSan the acquire/release it performs inside the
// library is told to TSan here.
class TbbGuard {
 public:
  explicit TbbGuard(tbb::speculative_spin_mutex& m) : lock_(m), m_(&m) {
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(m_);
#endif
  }
  ~TbbGuard() {
#if defined(__SANITIZE_THREAD__)
    __tsan_release(m_);
#endif
  }
  TbbGuard(const TbbGuard&) = delete;
  TbbGuard& operator=(const TbbGuard&) = delete;

 private:
  tbb::speculative_spin_mutex::scoped_lock lock_;  // released after ~TbbGuard's body
  void* m_;
};

struct TbbRuntime : DirectRuntime<tbb::speculative_spin_mutex, TbbGuard> {
  static constexpr const char* kName = "tbb";
  TbbRuntime(Options o, int max_threads) : DirectRuntime(kName, std::move(o), max_threads, false) {}
  Options describe() const {
    Options d = DirectRuntime::describe();
    d["mutex"] = "tbb::speculative_spin_mutex";
    d["cpu_rtm"] = cpu_has_rtm() ? "yes" : "no";
    d["lock_elision"] = cpu_has_rtm() ? "hardware transactions (RTM), spin-lock fallback" : "none: plain spin lock";
    return d;
  }
};

static_assert(Runtime<TbbRuntime>);

}  // namespace lbtm
