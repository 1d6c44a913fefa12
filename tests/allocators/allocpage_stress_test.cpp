// allocpage under concurrency: more threads than cores allocate, stamp, check
// and free pages and blocks, hand shared blocks to each other, and race to
// free the same block.  Run by the ThreadSanitizer build (label tsan): a page
// handed to two threads at once is a data race on its stamp as well as a
// failed check.  Bounded in time: each thread stops after its operations or
// after the deadline, whichever comes first.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "allocators/allocpage.hpp"

namespace {

constexpr size_t kPage = 4096;
std::atomic<int> reports{0};
std::atomic<int> double_frees_reported{0};
void count(allocpage_status what, const void*, int, int) {
  reports.fetch_add(1);
  if (what == allocpage_status::double_free) double_frees_reported.fetch_add(1);
}

int thread_count() { return static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency())); }

struct Held {
  uint64_t* p;
  size_t n;
  uint64_t stamp;
  bool exclusive;
};

void stamp_block(const Held& h) {
  for (size_t i = 0; i < h.n; ++i) h.p[i * kPage / sizeof(uint64_t)] = h.stamp + i;
}
bool stamps_intact(const Held& h) {
  for (size_t i = 0; i < h.n; ++i)
    if (h.p[i * kPage / sizeof(uint64_t)] != h.stamp + i) return false;
  return true;
}

class Stress : public ::testing::Test {
 protected:
  void SetUp() override {
    reports = 0;
    double_frees_reported = 0;
    allocpage_set_reporter(count);
    allocpage_config cfg;
    cfg.page_size = kPage;
    cfg.reserve_bytes = 256 * kPage;  // small: atomic requests do run dry
    cfg.limit_bytes = 4096 * kPage;
    cfg.refill_bytes = 32 * kPage;
    std::string error;
    ASSERT_TRUE(allocpage_init(cfg, &error)) << error;
  }
  void TearDown() override {
    allocpage_fini();
    allocpage_set_reporter(nullptr);
  }
};

TEST_F(Stress, ThreadsAllocateStampAndFreeWithoutEverSharingAPage) {
  const int threads = thread_count();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  constexpr int kOps = 1000000;
  std::atomic<int> started{0};
  std::atomic<int> bad_stamp{0}, bad_owner{0}, bad_free{0}, atomic_nulls{0}, handed{0};
  std::atomic<int> ops_done{0};
  std::vector<std::atomic<Held*>> mailbox(8);
  for (auto& m : mailbox) m = nullptr;

  auto worker = [&](int t) {
    std::mt19937_64 rng(t * 7919 + 1);
    std::vector<Held> held;
    const int me = allocpage_thread_id();
    started.fetch_add(1);
    while (started.load() < threads) std::this_thread::yield();  // all at once, not one after another
    auto release = [&](Held h) {
      if (!stamps_intact(h)) bad_stamp++;
      if (allocpage_free(h.p) != allocpage_status::ok) bad_free++;
    };
    int i = 0;
    for (; i < kOps && (i % 256 || std::chrono::steady_clock::now() < deadline); ++i) {
      unsigned r = static_cast<unsigned>(rng());
      if (held.size() < 6 && r % 3 != 0) {
        size_t n = 1 + (r >> 4) % 4;
        bool exclusive = (r >> 8) & 1;
        unsigned flags = ((r >> 9) % 4 == 0 ? unsigned{ALLOCPAGE_BLOCKING} : unsigned{ALLOCPAGE_ATOMIC}) |
                         (exclusive ? unsigned{ALLOCPAGE_EXCLUSIVE} : 0u);
        auto* p = static_cast<uint64_t*>(allocpage_block(n, flags));
        if (!p) {
          if (flags & ALLOCPAGE_BLOCKING) bad_free += 1000;  // the limit is far: must not fail
          atomic_nulls++;
          continue;
        }
        Held h{p, n, (uint64_t(t) << 48) | (uint64_t(i) << 8), exclusive};
        if (allocpage_owner(reinterpret_cast<char*>(p) + n * kPage - 1) != (exclusive ? me : -1)) bad_owner++;
        stamp_block(h);
        held.push_back(h);
      } else if (!held.empty()) {
        size_t k = (r >> 4) % held.size();
        Held h = held[k];
        held.erase(held.begin() + static_cast<long>(k));
        if (!h.exclusive && (r >> 12) % 2) {
          // Hand a shared block to whichever thread looks in this box next.
          Held* got = mailbox[(r >> 13) % mailbox.size()].exchange(new Held(h), std::memory_order_acq_rel);
          handed++;
          if (got) {
            release(*got);
            delete got;
          }
        } else {
          release(h);
        }
      }
    }
    for (Held& h : held) release(h);
    ops_done += i;
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  for (auto& m : mailbox)
    if (Held* h = m.exchange(nullptr)) {
      if (!stamps_intact(*h)) bad_stamp++;
      if (allocpage_free(h->p) != allocpage_status::ok) bad_free++;
      delete h;
    }

  allocpage_stats s = allocpage_get_stats();
  EXPECT_EQ(bad_stamp.load(), 0) << "a page was handed to two holders at once";
  EXPECT_EQ(bad_owner.load(), 0);
  EXPECT_EQ(bad_free.load(), 0);
  EXPECT_EQ(reports.load(), 0);
  EXPECT_EQ(s.pages_in_use, 0u);
  EXPECT_LE(s.high_water, s.pages_committed);
  EXPECT_EQ(s.failed_atomic, static_cast<size_t>(atomic_nulls.load()));
  EXPECT_GT(ops_done.load(), threads * 100) << "the deadline cut the run too short to mean anything";
  EXPECT_GT(handed.load(), 0);
  RecordProperty("ops", ops_done.load());
  RecordProperty("refills", static_cast<int>(s.refills));
  RecordProperty("failed_atomic", static_cast<int>(s.failed_atomic));
}

TEST_F(Stress, RacingFreesOfOneBlockHaveExactlyOneWinner) {
  constexpr int kRounds = 300;
  int ok_total = 0, double_total = 0;
  for (int round = 0; round < kRounds; ++round) {
    void* p = allocpage_block(1 + round % 3, ALLOCPAGE_ATOMIC);
    ASSERT_NE(p, nullptr);
    std::atomic<int> go{0}, ok{0}, dbl{0};
    auto racer = [&] {
      go.fetch_add(1);
      while (go.load() < 3) std::this_thread::yield();
      allocpage_status st = allocpage_free(p);
      (st == allocpage_status::ok ? ok : dbl).fetch_add(st == allocpage_status::ok || st == allocpage_status::double_free);
    };
    std::thread a(racer), b(racer), c(racer);
    a.join(), b.join(), c.join();
    ok_total += ok == 1;
    double_total += dbl;
  }
  EXPECT_EQ(ok_total, kRounds);
  EXPECT_EQ(double_total, 2 * kRounds);
  EXPECT_EQ(double_frees_reported.load(), 2 * kRounds);
  EXPECT_EQ(allocpage_get_stats().pages_in_use, 0u);
}

}  // namespace
