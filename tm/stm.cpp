// `stm`: configuration, commit and backoff (the parts off the load/store path).
#include "tm/stm.hpp"

#include <charconv>
#include <string>

#include "tm/backoff.hpp"
#include "tm/options.hpp"

namespace lbtm {

StmRuntime::StmRuntime(Options options, int max_threads) : max_threads_(max_threads) {
  if (max_threads < 1) throw std::invalid_argument("need at least one thread");
  locks_log2_ = take_unsigned_option(options, "stm", "locks_log2", 20, 4, 28);
  stripe_log2_ = take_unsigned_option(options, "stm", "stripe_log2", 3, 3, 16);
  backoff_log2_ = take_unsigned_option(options, "stm", "backoff_log2", 12, 0, 24);
  if (!options.empty()) throw std::invalid_argument("stm: unknown option '" + options.begin()->first + "'");
  lock_mask_ = (uint64_t(1) << locks_log2_) - 1;
  locks_.reset(new Lock[size_t(1) << locks_log2_]());  // all free, version 0
}

Options StmRuntime::describe() const {
  return {{"name", kName},
          {"locks_log2", std::to_string(locks_log2_)},
          {"stripe_log2", std::to_string(stripe_log2_)},
          {"backoff_log2", std::to_string(backoff_log2_)},
          {"clock", "global (TL2 GV1) with snapshot extension"}};
}

bool StmRuntime::Tx::commit(Stats& s, AbortCause& cause) {
  if (writes_.empty()) {  // read-only: every load was consistent at rv
    s.count_commit(reads_.size(), 0);
    s.released += released_;
    allocs_.on_commit(s);
    return true;
  }
  // Lock the write set.  owned_ must not move while lock words point into it.
  owned_.clear();
  owned_.reserve(writes_.size());
  for (const auto& e : writes_) {
    Lock& lock = rt_.lock_for(e.addr);
    uint64_t v = lock.load(std::memory_order_relaxed);
    for (;;) {
      if (v & kLocked) {
        if (mine(v)) break;  // another word of ours in the same stripe
        unlock_owned();
        cause = AbortCause::kLocked;
        abort_addr_ = e.addr;
        return false;
      }
      owned_.push_back({&lock, v});
      if (lock.compare_exchange_weak(v, reinterpret_cast<uint64_t>(&owned_.back()) | kLocked, std::memory_order_acquire,
                                     std::memory_order_relaxed))
        break;
      owned_.pop_back();
    }
  }
  uint64_t wv = rt_.clock_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (wv != rv_ + 1 && !validate()) {  // wv == rv+1: nobody committed since we began
    unlock_owned();
    cause = AbortCause::kValidation;
    return false;
  }
  for (const auto& e : writes_) __atomic_store_n(reinterpret_cast<Word*>(e.addr), e.value, __ATOMIC_RELEASE);
  for (const Owned& o : owned_) o.lock->store(wv, std::memory_order_release);
  owned_.clear();
  s.count_commit(reads_.size(), writes_.size());
  s.released += released_;
  allocs_.on_commit(s);  // after the write-back: a block freed in this attempt may have had buffered stores
  return true;
}

StmRuntime::Thread::Thread(StmRuntime& rt, int id) : tx_(rt), rng_(0x9E3779B97F4A7C15ull * uint64_t(id + 1)) {
  if (id < 0 || id >= rt.max_threads_) throw std::invalid_argument("stm: thread id out of range");
}

void StmRuntime::Thread::backoff(unsigned attempt) {
  randomized_backoff(rng_, attempt, tx_.rt_.backoff_log2_, 3);  // yield from the fourth retry
}

}  // namespace lbtm
