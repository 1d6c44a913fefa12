// `itm`: method selection, the cancel probe and libitm's entry points.
// Compiled with -fgnu-tm (lb_tm_itm).
#include "tm/itm.hpp"

#include <string>
#include <stdexcept>

extern "C" {
// libitm's ABI (libitm.h is not installed by Debian's libitm1).
int _ITM_inTransaction(void) TM_PURE;
void _ITM_abortTransaction(int reason) __attribute__((noreturn));
uint64_t _ITM_RU8(const uint64_t* p);  // ITM_REGPARM is empty on x86-64
}

namespace lbtm {
namespace itm_detail {
namespace {
constexpr int kUserAbort = 1, kOuterAbort = 16;  // _ITM_abortReason
}
int how_executing() { return _ITM_inTransaction(); }
void abort_outer() { _ITM_abortTransaction(kUserAbort | kOuterAbort); }
void restart_unsupported(const char* method) {
  // Leaves the transaction, which libitm then commits (tm/itm.hpp): what the
  // attempt stored stays, so the caller's run is over (a recorded failure),
  // but the process is not.
  throw std::runtime_error(std::string("itm: tx.restart() under ITM_DEFAULT_METHOD=") + method +
                           ": libitm does not roll a cancelled transaction back in this method, so the "
                           "attempt's stores were kept and the run cannot go on; use ml_wt or gl_wt");
}
volatile bool g_never = false;
bool never() { return g_never; }
uint64_t read_barrier(const uint64_t* p) { return _ITM_RU8(p); }
}  // namespace itm_detail

namespace {
// The probe's store must happen for real before the cancel: written through
// an opaque pointer in a function the optimiser does not see into (a store
// it can prove dead on the cancel path would make any method look fine).
uint64_t probe_word;
TM_PURE uint64_t* probe_target() { return &probe_word; }
__attribute__((noinline, transaction_safe)) void probe_store(uint64_t* p) { *p = 1; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
  return s;
}
}  // namespace


ItmRuntime::ItmRuntime(Options options, int max_threads) {
  if (max_threads < 1) throw std::invalid_argument("need at least one thread");
  if (!options.empty())
    throw std::invalid_argument("itm takes no options (choose the method with ITM_DEFAULT_METHOD), got '" +
                                options.begin()->first + "'");
  const char* env = std::getenv("ITM_DEFAULT_METHOD");
  if (env == nullptr || trim(env).empty()) {
    // Before libitm's first transaction reads it (retry.cc parses it once).
    setenv("ITM_DEFAULT_METHOD", "ml_wt", 1);
    method_ = "ml_wt";
    method_source_ = "unset; set to ml_wt (libitm's multi-thread default) so one-thread runs stay retryable";
  } else {
    method_ = trim(env);
    method_source_ = "ITM_DEFAULT_METHOD";
  }
  // Probe: does a cancelled transaction's store get rolled back here?
  probe_word = 0;
  bool done = false;
  __transaction_atomic [[outer]] {
    probe_store(probe_target());
    if (!itm_detail::never()) __transaction_cancel [[outer]];
    done = true;
  }
  bool probe_ok = !done && probe_word == 0;
  cancel_ok_ = probe_ok && (method_ == "ml_wt" || method_ == "gl_wt");  // see tm/itm.hpp
}

Options ItmRuntime::describe() const {
  return {{"name", kName},
          {"method", method_},
          {"method_source", method_source_},
          {"restart", cancel_ok_ ? "libitm outer abort, rolled back" : "unsupported: this method does not roll back"}};
}

ItmRuntime::Thread::Thread(ItmRuntime& rt, int id) : tx_(rt.cancel_ok_, rt.method_.c_str()) {
  if (id < 0) throw std::invalid_argument("itm: thread id out of range");
}

void ItmRuntime::Thread::finish() {
  tx_.sourced_.on_commit(stats_);  // committed: the attempt's frees take effect now
  stats_.count_commit(0, 0);
  stats_.aborts_explicit += tx_.explicit_;
  stats_.aborts_other += tx_.attempts_ - 1 - tx_.explicit_;  // libitm's own re-executions
  if (tx_.how_ == 2) ++stats_.irrevocable;
  stats_.tx_allocs += tx_.allocs_attempt_;
  stats_.tx_allocs_undone += tx_.allocs_ - tx_.allocs_attempt_;  // libitm freed them on rollback
  stats_.tx_alloc_bytes += tx_.bytes_attempt_;
  stats_.tx_alloc_bytes_undone += tx_.bytes_ - tx_.bytes_attempt_;
}

}  // namespace lbtm
