// Correctness cases every runtime must pass, written once as templates over
// the runtime R and instantiated per runtime (the itm instantiation lives in a
// translation unit compiled with -fgnu-tm).  Every concurrent case is bounded
// in time, not in work, so it takes the same wall time in sanitizer builds.
//
// Observations made inside a transaction go through TM_PURE functions: under
// libitm they must escape the transaction (and survive its rollback), which
// is exactly what we want to see (a bad view in an attempt that later aborts
// is still a bad view).
#pragma once
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "tests/common/quarantine_memory.hpp"
#include "tm/tm.hpp"

namespace tm_cases {

inline constexpr int kThreads = 8;  // oversubscribed on CI's 2 cores
inline constexpr auto kDuration = std::chrono::milliseconds(400);

// Escapes from inside transactions.
TM_PURE inline uint64_t count_event(std::atomic<uint64_t>* c) { return c->fetch_add(1, std::memory_order_relaxed) + 1; }

// Words on separate cache lines, as transactional memory.
struct alignas(64) PaddedWord {
  int64_t v = 0;
};

// Runs fn(thread_index, Thread&) on n threads until the deadline; returns the
// summed statistics.
template <class R, class Fn>
lbtm::Stats run_threads(R& rt, int n, Fn fn) {
  std::atomic<bool> stop{false};
  std::vector<lbtm::Stats> stats(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      typename R::Thread th(rt, i);
      fn(i, th, stop);
      stats[size_t(i)] = th.stats();
    });
  std::this_thread::sleep_for(kDuration);
  stop.store(true);
  for (auto& t : threads) t.join();
  lbtm::Stats sum;
  for (auto& s : stats) sum += s;
  return sum;
}

// A bank: transfers move money between accounts, audits sum every account
// inside a transaction.  The total never changes, and no audit, even in an
// attempt that aborts, sees another total.
template <class R>
void bank(R& rt, int threads) {
  constexpr int kAccounts = 32;
  constexpr int64_t kInitial = 1000;
  auto accounts = std::make_unique<PaddedWord[]>(kAccounts);
  for (int i = 0; i < kAccounts; ++i) accounts[i].v = kInitial;
  std::atomic<uint64_t> bad_audits{0}, transfers{0}, audits{0};
  lbtm::Stats s = run_threads(rt, threads, [&](int id, typename R::Thread& th, std::atomic<bool>& stop) {
    std::mt19937 rng(uint32_t(id) * 7919u + 1);
    while (!stop.load(std::memory_order_relaxed)) {
      int a = int(rng() % kAccounts), b = int(rng() % kAccounts);
      int64_t amount = int64_t(rng() % 50);
      if (rng() % 8 == 0) {
        th.atomically([&](typename R::Tx& tx) {
          int64_t sum = 0;
          for (int i = 0; i < kAccounts; ++i) sum += tx.load(&accounts[i].v);
          if (sum != kAccounts * kInitial) count_event(&bad_audits);
        });
        audits.fetch_add(1, std::memory_order_relaxed);
      } else {
        th.atomically([&](typename R::Tx& tx) {
          int64_t va = tx.load(&accounts[a].v);
          tx.store(&accounts[a].v, va - amount);
          int64_t vb = tx.load(&accounts[b].v);  // reads its own write when a == b
          tx.store(&accounts[b].v, vb + amount);
        });
        transfers.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  int64_t total = 0;
  for (int i = 0; i < kAccounts; ++i) total += accounts[i].v;
  EXPECT_EQ(total, kAccounts * kInitial);
  EXPECT_EQ(bad_audits.load(), 0u);
  EXPECT_GT(transfers.load(), 0u);
  EXPECT_GT(audits.load(), 0u);
  EXPECT_EQ(s.commits, transfers.load() + audits.load());
}

// The reader's loads after x: plain, or each released at once.
template <bool kReleasedAtOnce, class Tx>
int64_t reader_load(Tx& tx, const int64_t* p) {
  if constexpr (kReleasedAtOnce) return lbtm::load_released(tx, p);
  else return tx.load(p);
}

// Opacity: x and y are always written together with the same value; a reader
// that loads x, then other words, then y must never see them differ.
// kReleasedAtOnce: the filler and y are read released at once
// (lbtm::load_released, tm.hpp).  Such a read is checked against the
// snapshot as any load is, so it is consistent with x, which the reader
// still holds: a y committed after the reader's snapshot extends it
// (validating x) or aborts it; a plain read of y would see the pair torn
// whenever a writer commits between the two reads.  (The other order, y
// released first, may see them differ: a read released is validated no
// more, so x may have moved on since.)  And the released reads never enter
// the read set: it holds x at most (a word for the stm, a line for
// htm-model, nothing for the lock-based runtimes).
template <class R, bool kReleasedAtOnce = false>
void opacity(R& rt, int threads) {
  PaddedWord x, y;
  auto filler = std::make_unique<PaddedWord[]>(16);
  std::atomic<uint64_t> torn{0}, reads{0};
  lbtm::Stats s = run_threads(rt, threads, [&](int id, typename R::Thread& th, std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed)) {
      if (id % 2 == 0) {
        th.atomically([&](typename R::Tx& tx) {
          int64_t v = tx.load(&x.v) + 1;
          tx.store(&x.v, v);
          tx.store(&filler[v % 16].v, v);
          tx.store(&y.v, v);
        });
      } else {
        th.atomically([&](typename R::Tx& tx) {
          int64_t a = tx.load(&x.v);
          for (int i = 0; i < 16; ++i) (void)reader_load<kReleasedAtOnce>(tx, &filler[i].v);  // widen the window
          int64_t b = reader_load<kReleasedAtOnce>(tx, &y.v);
          if (a != b) count_event(&torn);
        });
        reads.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(x.v, y.v);
  EXPECT_GT(x.v, 0);
  if constexpr (kReleasedAtOnce) {
    EXPECT_LE(s.read_set_max, 1u);
  }
}

// tx.restart() undoes the attempt's stores and its allocations; frees in an
// aborted attempt never happen.  Counted in the statistics.
template <class R>
void restart_undoes_stores_and_allocations(R& rt) {
  typename R::Thread th(rt, 0);
  PaddedWord w;
  w.v = 5;
  auto* keep = static_cast<int64_t*>(std::malloc(64));
  keep[0] = 42;
  std::atomic<uint64_t> attempts{0};
  int64_t* result = nullptr;
  th.atomically([&](typename R::Tx& tx) {
    uint64_t attempt = count_event(&attempts);
    tx.store(&w.v, tx.load(&w.v) + 1);
    auto* p = static_cast<int64_t*>(tx.alloc(256));
    auto* q = static_cast<int64_t*>(tx.alloc(32));
    tx.free(q);  // allocated and freed in the same attempt
    tx.free(keep);  // only when this attempt commits
    if (attempt < 3) tx.restart();
    result = p;
  });
  EXPECT_EQ(attempts.load(), 3u);
  EXPECT_EQ(w.v, 6);  // one increment: two attempts were rolled back
  ASSERT_NE(result, nullptr);
  result[0] = 1;  // the committed block is ours to use (ASan checks)
  std::free(result);
  const lbtm::Stats& s = th.stats();
  EXPECT_EQ(s.commits, 1u);
  EXPECT_EQ(s.aborts_explicit, 2u);
  EXPECT_EQ(s.tx_allocs, 2u);
  EXPECT_EQ(s.tx_allocs_undone, 4u);  // 2 blocks x 2 aborted attempts, given back
}

}  // namespace tm_cases

namespace tm_cases {

// Transaction-safe free from a caller's allocator (tm/tm.hpp): a block the
// attempt stored to and then freed is freed only after the commit has
// written everything back (stm buffers the store) and never by an attempt
// that aborts (lock, seq, tbb and itm write in place and roll the store back
// from their undo log).  Freed blocks fault on any access (Quarantine), so
// a free that came too early is a SIGSEGV here, not a silent wrong run.
TM_PURE inline uint64_t frees_so_far(const lb_test::Quarantine* q) { return q->frees(); }

template <class R>
void tx_free_waits_for_commit(R& rt) {
  typename R::Thread th(rt, 0);
  lb_test::Quarantine q;
  lbtm::BlockSource src{[](void* ctx, size_t bytes) { return static_cast<lb_test::Quarantine*>(ctx)->allocate(bytes); },
                        [](void* ctx, void* p, size_t) noexcept { static_cast<lb_test::Quarantine*>(ctx)->free(p); },
                        &q};
  auto* old = static_cast<int64_t*>(q.allocate(4096));
  old[0] = 7;
  std::atomic<uint64_t> attempts{0}, frees_seen_in_body{0};
  int64_t* result = nullptr;
  th.atomically([&](typename R::Tx& tx) {
    uint64_t attempt = count_event(&attempts);
    tx.store(&old[0], int64_t(attempt));  // in the write set or the undo log
    auto* p = static_cast<int64_t*>(tx.alloc(4096, src));
    tx.store(&p[0], int64_t(100 + attempt));
    tx.free(old, 4096, src);
    // Only the blocks of the attempts before (aborted, rolled back) have gone back; `old` not yet.
    if (frees_so_far(&q) != attempt - 1) count_event(&frees_seen_in_body);
    if (attempt < 3) tx.restart();
    result = p;
  });
  EXPECT_EQ(attempts.load(), 3u);
  EXPECT_EQ(frees_seen_in_body.load(), 0u) << "a block went back while its attempt was still running";
  EXPECT_TRUE(q.freed(old)) << "the committed free did not happen";
  EXPECT_EQ(q.frees(), 3u);  // the two aborted attempts' blocks and, at commit, the old one
  ASSERT_NE(result, nullptr);
  EXPECT_FALSE(q.freed(result));
  EXPECT_EQ(result[0], 103);  // the committed attempt's block, with its store
  q.free(result);
  EXPECT_FALSE(lbtm::in_transaction());
}

// in_transaction() is true in a body and false outside.
TM_PURE inline bool inside() { return lbtm::in_transaction(); }
template <class R>
void knows_when_inside(R& rt) {
  typename R::Thread th(rt, 0);
  EXPECT_FALSE(lbtm::in_transaction());
  std::atomic<uint64_t> outside{0};
  th.atomically([&](typename R::Tx&) {
    if (!inside()) count_event(&outside);
  });
  EXPECT_EQ(outside.load(), 0u);
  EXPECT_FALSE(lbtm::in_transaction());
}

}  // namespace tm_cases
