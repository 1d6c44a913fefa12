// `htm-model`: configuration, line ownership, commit, the fallback lock (the
// parts off the load/store fast path).  See tm/htm_model.hpp.
#include "tm/htm_model.hpp"

#include <bit>
#include <string>
#include <thread>

#include "tm/backoff.hpp"
#include "tm/options.hpp"

namespace lbtm {

namespace {

// Spin a little, then give the CPU away: with more threads than cores the
// thread we wait for is often not running.
inline void pause_or_yield(unsigned& spins) {
  if (++spins < 64) cpu_relax();
  else std::this_thread::yield();
}

bool take_choice(Options& o, const char* key, const char* yes, const char* no, bool def) {
  auto it = o.find(key);
  if (it == o.end()) return def;
  bool v;
  if (it->second == yes) v = true;
  else if (it->second == no) v = false;
  else
    throw std::invalid_argument("htm-model: option " + std::string(key) + "=" + it->second + " must be " + yes +
                                " or " + no);
  o.erase(it);
  return v;
}

}  // namespace

// Intel tracks reads beyond the L1 (the optimisation manual: evicted read-set
// lines may stay tracked).  Nakaike et al. (ISCA 2015) measured about 4 MB of
// reads fitting in a transaction on Intel Core (against ~22 KB of writes),
// so the default read bound is 4 MiB of lines.
constexpr unsigned kDefaultReadBytes = 4u << 20;

HtmModelRuntime::HtmModelRuntime(Options options, int max_threads) : max_threads_(max_threads) {
  if (max_threads < 1) throw std::invalid_argument("need at least one thread");
  if (max_threads > kMaxThreads)
    throw std::invalid_argument("htm-model: at most " + std::to_string(kMaxThreads) + " threads (got " +
                                std::to_string(max_threads) + ")");
  l1_ = read_l1d_geometry();
  unsigned sets = take_unsigned_option(options, "htm-model", "l1_sets", l1_.sets, 1, 1u << 20);
  unsigned ways = take_unsigned_option(options, "htm-model", "l1_ways", l1_.ways, 1, 1024);
  unsigned line = take_unsigned_option(options, "htm-model", "line_bytes", l1_.line_bytes, 8, 4096);
  if (!std::has_single_bit(line)) throw std::invalid_argument("htm-model: line_bytes must be a power of two");
  if (sets != l1_.sets || ways != l1_.ways || line != l1_.line_bytes) l1_ = {sets, ways, line, "options"};
  line_log2_ = unsigned(std::countr_zero(line));
  read_lines_ = take_unsigned_option(options, "htm-model", "read_lines", kDefaultReadBytes / line, 1, 1u << 26);
  retries_ = take_unsigned_option(options, "htm-model", "retries", 5, 0, 1000);
  capacity_retries_ = take_choice(options, "capacity", "retry", "fallback", false);
  subscribe_ = take_choice(options, "subscribe", "yes", "no", true);
  table_log2_ = take_unsigned_option(options, "htm-model", "table_log2", 22, 10, 28);
  backoff_log2_ = take_unsigned_option(options, "htm-model", "backoff_log2", 10, 0, 24);
  if (!options.empty()) throw std::invalid_argument("htm-model: unknown option '" + options.begin()->first + "'");
  table_.reset(new Entry[size_t(1) << table_log2_]());
  slots_.reset(new Slot[size_t(max_threads)]);
}

Options HtmModelRuntime::describe() const {
  return {{"name", kName},
          {"model", "software model of best-effort HTM (not hardware)"},
          {"l1_sets", std::to_string(l1_.sets)},
          {"l1_ways", std::to_string(l1_.ways)},
          {"line_bytes", std::to_string(l1_.line_bytes)},
          {"l1_source", l1_.source},
          {"read_lines", std::to_string(read_lines_)},
          {"retries", std::to_string(retries_)},
          {"capacity", capacity_retries_ ? "retry" : "fallback"},
          {"subscribe", subscribe_ ? "yes" : "no"},
          {"table_log2", std::to_string(table_log2_)},
          {"backoff_log2", std::to_string(backoff_log2_)},
          {"private_filter", "ignored (hardware tracks every access)"}};
}

uint64_t HtmModelRuntime::lock_entry(Entry& e) const {
  unsigned spins = 0;
  uint64_t v = e.load(std::memory_order_relaxed);
  for (;;) {
    if (v & kEntryLock) {
      pause_or_yield(spins);
      v = e.load(std::memory_order_relaxed);
      continue;
    }
    if (e.compare_exchange_weak(v, v | kEntryLock, std::memory_order_acquire, std::memory_order_relaxed)) return v;
  }
}

bool HtmModelRuntime::doom(int victim, uint64_t cause_state) const {
  std::atomic<uint64_t>& st = slots_[victim].status;
  uint64_t s = st.load(std::memory_order_acquire);
  for (;;) {
    switch (s & kStateMask) {
      case kActive:
        if (st.compare_exchange_weak(s, (s & ~kStateMask) | cause_state, std::memory_order_acq_rel,
                                     std::memory_order_acquire))
          return true;
        continue;
      case kCommitting: return false;
      default: return true;  // idle or doomed already: its bits are stale
    }
  }
}

void HtmModelRuntime::wait_while(int id, uint64_t status) const {
  unsigned spins = 0;
  while (slots_[id].status.load(std::memory_order_acquire) == status) pause_or_yield(spins);
}

void HtmModelRuntime::acquire_line(int id, uint64_t line, bool write) const {
  Entry& e = entry_for(line);
  const uint64_t me = uint64_t(1) << id;
  for (;;) {
    uint64_t v = lock_entry(e);
    uint64_t writer = v >> kWriterShift;  // id + 1, 0 for none (the lock bit is clear in v)
    int wait_for = -1;
    if (writer != 0 && int(writer - 1) != id && !doom(int(writer - 1), kDoomedConflict)) wait_for = int(writer - 1);
    if (write && wait_for < 0) {
      for (uint64_t r = v & kReaders & ~me; r != 0; r &= r - 1) {
        int reader = std::countr_zero(r);
        if (!doom(reader, kDoomedConflict)) {
          wait_for = reader;
          break;
        }
      }
    }
    if (wait_for >= 0) {  // committing: it cannot be doomed; its commit is what we see
      uint64_t s = slots_[wait_for].status.load(std::memory_order_acquire);
      e.store(v, std::memory_order_release);
      if ((s & kStateMask) == kCommitting) wait_while(wait_for, s);
      continue;
    }
    uint64_t next = write ? ((v & me) | (uint64_t(id + 1) << kWriterShift))
                          : ((writer != 0 && int(writer - 1) != id) ? (v & kReaders) : v) | me;
    e.store(next, std::memory_order_release);
    return;
  }
}

void HtmModelRuntime::drop_line(int id, uint64_t line, bool keep_writer) const {
  Entry& e = entry_for(line);
  uint64_t v = lock_entry(e) & ~(uint64_t(1) << id);
  if (!keep_writer && (v >> kWriterShift) == uint64_t(id + 1)) v &= kReaders;
  e.store(v, std::memory_order_release);
}

void HtmModelRuntime::take_fallback(int id) {
  unsigned spins = 0;
  int expected = -1;
  while (!fallback_.compare_exchange_weak(expected, id, std::memory_order_seq_cst, std::memory_order_relaxed)) {
    expected = -1;
    pause_or_yield(spins);
  }
  if (!subscribe_) return;
  // Every speculative attempt read the lock at begin: taking it aborts them.
  // One that is committing already finishes first (its commit is ordered
  // before our critical section).
  for (int t = 0; t < max_threads_; ++t) {
    if (t == id) continue;
    for (;;) {
      uint64_t s = slots_[t].status.load(std::memory_order_seq_cst);
      if (doom(t, kDoomedLock)) break;
      wait_while(t, s);
    }
  }
}

bool HtmModelRuntime::Tx::begin() {
  epoch_ += 1;
  last_read_ = last_written_ = ~uint64_t(0);
  released_ = 0;
  writes_.clear();
  allocs_.clear();
  std::atomic<uint64_t>& st = rt_.slots_[id_].status;
  if (rt_.subscribe_) {
    unsigned spins = 0;
    while (rt_.fallback_held()) pause_or_yield(spins);  // as RTM code waits before xbegin
  }
  st.store((epoch_ << 3) | kActive, std::memory_order_seq_cst);
  // The subscription: the lock is in our read set from here on.  Checked
  // after we became active, so a holder either sees us active (and dooms us)
  // or we see it.
  if (rt_.subscribe_ && rt_.fallback_held()) {
    st.store((epoch_ << 3) | kIdle, std::memory_order_release);
    return false;
  }
  return true;
}

void HtmModelRuntime::Tx::release(const void* p, size_t bytes) {
  if (in_fallback_ || bytes == 0) return;
  uint64_t lo = reinterpret_cast<uintptr_t>(p) >> rt_.line_log2_;
  uint64_t hi = (reinterpret_cast<uintptr_t>(p) + bytes - 1) >> rt_.line_log2_;
  for (uint64_t line = lo; line <= hi; ++line) {
    if (!read_.erase(line)) continue;
    ++released_;
    if (line == last_read_) last_read_ = ~uint64_t(0);
    rt_.drop_line(id_, line, /*keep_writer=*/true);
  }
}

bool HtmModelRuntime::Tx::commit(Stats& s, AbortCause& cause) {
  std::atomic<uint64_t>& st = rt_.slots_[id_].status;
  uint64_t active = (epoch_ << 3) | kActive;
  if (!st.compare_exchange_strong(active, (epoch_ << 3) | kCommitting, std::memory_order_acq_rel,
                                  std::memory_order_acquire)) {
    cause = cause_of(active);
    return false;
  }
  for (const auto& e : writes_) __atomic_store_n(reinterpret_cast<Word*>(e.addr), e.value, __ATOMIC_RELEASE);
  s.count_commit(read_.size(), written_.size());
  s.released += released_;
  end_attempt();
  allocs_.on_commit(s);
  return true;
}

void HtmModelRuntime::Tx::end_attempt() {
  read_.for_each([&](uint64_t line) { rt_.drop_line(id_, line); });
  written_.for_each([&](uint64_t line) {
    rt_.drop_line(id_, line);
    set_fill_[size_t(line % rt_.l1_.sets)] = 0;
  });
  read_.clear();
  written_.clear();
  writes_.clear();
  // Idle in a new epoch: waiters on our commit go on, late dooms miss.
  rt_.slots_[id_].status.store((epoch_ << 3) | kIdle, std::memory_order_release);
}

void HtmModelRuntime::Tx::begin_fallback() {
  in_fallback_ = true;
  undo_.clear();
  allocs_.clear();
}

void HtmModelRuntime::Tx::roll_back_fallback() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it)
    __atomic_store_n(reinterpret_cast<Word*>(it->addr), it->old, __ATOMIC_RELEASE);
  undo_.clear();
  in_fallback_ = false;
}

HtmModelRuntime::Thread::Thread(HtmModelRuntime& rt, int id)
    : tx_((id < 0 || id >= rt.max_threads_) ? throw std::invalid_argument("htm-model: thread id out of range") : rt,
          id),
      rng_(0x9E3779B97F4A7C15ull * uint64_t(id + 1)) {}

HtmModelRuntime::Thread::~Thread() = default;

void HtmModelRuntime::Thread::backoff(unsigned attempt) {
  randomized_backoff(rng_, attempt, tx_.rt_.backoff_log2_, 2);
}

}  // namespace lbtm
