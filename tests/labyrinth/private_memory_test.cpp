// The private-memory predicates the STM trusts to skip conflict detection:
// true for every byte of the worker's own live blocks, false for another
// worker's blocks, for freed blocks and for memory from elsewhere.  allocpage's
// predicate answers from a per-worker cache of recent blocks and falls back to
// owner() for the rest, so both paths are covered (more blocks than it caches).
// Runs under ASan and TSan (label tsan): workers allocate, free and ask
// concurrently.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "allocators/allocpage.hpp"
#include "labyrinth/private_memory.hpp"

namespace {

struct Block {
  char* p;
  size_t bytes;
};

// allocpage is initialised once per process (ctest runs each test in its own).
lb::PrivateMemorySource& allocpage_source() {
  static lb::PrivateMemorySource src = lb::allocpage_private_memory(4096, 8 << 20);
  return src;
}

// Sizes that are not page multiples: the predicate must hold up to the last byte asked for.
const size_t kSizes[] = {1, 4096, 4097, 3 * 4096 + 100, 64 << 10, 200 << 10};  // more than the cache holds

std::vector<Block> allocate_all(lb::PrivateMemory& m) {
  std::vector<Block> out;
  for (size_t n : kSizes) out.push_back({static_cast<char*>(m.allocate(n)), n});
  return out;
}

void expect_every_byte(const lbtm::PrivatePredicate& pred, const std::vector<Block>& blocks, bool want,
                       const char* what) {
  for (const Block& b : blocks) {
    size_t wrong = 0;
    for (size_t i = 0; i < b.bytes; ++i) wrong += pred(b.p + i) != want;
    EXPECT_EQ(wrong, 0u) << what << ": block of " << b.bytes << " bytes";
  }
}

// A bad free is the run's failure to report (PrivateMemory::error()), not a
// line allocpage prints from inside the library.
TEST(AllocpagePrivateMemory, ABadFreeIsRecordedNotPrinted) {
  auto m = allocpage_source().make();
  void* p = m->allocate(100);
  m->deallocate(p, 100);
  ::testing::internal::CaptureStderr();
  m->deallocate(p, 100);  // a double free
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(printed, "");
  EXPECT_NE(m->error().find("allocpage: "), std::string::npos) << m->error();
}

TEST(AllocpagePrivatePredicate, TrueForEveryByteOfOwnBlocksFalseForForeignMemory) {
  auto m = allocpage_source().make();
  std::vector<Block> mine = allocate_all(*m);
  lbtm::PrivatePredicate pred = m->predicate();
  expect_every_byte(pred, mine, true, "own block");

  int on_stack = 0;
  std::unique_ptr<char[]> on_heap(new char[4096]);
  static char global[64];
  EXPECT_FALSE(pred(&on_stack));
  EXPECT_FALSE(pred(on_heap.get()));
  EXPECT_FALSE(pred(global));
  EXPECT_FALSE(pred(nullptr));
  uintptr_t base = 0;
  size_t bytes = 0;
  allocpage_reservation(&base, &bytes);
  ASSERT_GT(bytes, 0u);
  EXPECT_FALSE(pred(reinterpret_cast<const void*>(base + bytes)));   // just past the reservation
  EXPECT_FALSE(pred(reinterpret_cast<const void*>(base + bytes - 1)));  // never handed out

  for (const Block& b : mine) m->deallocate(b.p, b.bytes);
  expect_every_byte(pred, mine, false, "freed block");
}

TEST(AllocpagePrivatePredicate, FalseForAnotherWorkersBlocksWhileBothWork) {
  constexpr int kWorkers = 3, kRounds = 20;
  std::atomic<int> wrong{0};
  std::vector<std::thread> workers;
  // Each worker allocates, checks its own blocks and frees them again, over
  // and over, so pages move between workers through allocpage's free lists;
  // published[] lets the others look at a worker's blocks while they live.
  struct Slot {
    std::atomic<char*> p{nullptr};
    std::atomic<size_t> bytes{0};
  } published[kWorkers];
  std::atomic<int> ready{0};
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      auto m = allocpage_source().make();
      lbtm::PrivatePredicate pred = m->predicate();
      for (int r = 0; r < kRounds; ++r) {
        std::vector<Block> mine = allocate_all(*m);
        for (const Block& b : mine)
          for (size_t i = 0; i < b.bytes; i += 61) wrong += !pred(b.p + i);
        // Publish the largest and look at the others' (each stays live until its owner
        // has seen everyone publish this round: no check races with a free).
        published[w].bytes.store(mine.back().bytes, std::memory_order_relaxed);
        published[w].p.store(mine.back().p, std::memory_order_release);
        ready.fetch_add(1);
        while (ready.load() < kWorkers * (2 * r + 1)) std::this_thread::yield();
        for (int o = 0; o < kWorkers; ++o) {
          if (o == w) continue;
          char* p = published[o].p.load(std::memory_order_acquire);
          size_t n = published[o].bytes.load(std::memory_order_relaxed);
          for (size_t i = 0; i < n; i += 61) wrong += pred(p + i);
        }
        ready.fetch_add(1);
        while (ready.load() < kWorkers * (2 * r + 2)) std::this_thread::yield();
        for (const Block& b : mine) m->deallocate(b.p, b.bytes);
        for (const Block& b : mine) wrong += pred(b.p) + pred(b.p + b.bytes - 1);
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(MallocPrivatePredicate, TrueForEveryByteOfOwnBlocksFalseForForeignMemory) {
  auto m = lb::malloc_private_memory().make();
  std::vector<Block> mine = allocate_all(*m);
  lbtm::PrivatePredicate pred = m->predicate();
  expect_every_byte(pred, mine, true, "own block");
  int on_stack = 0;
  EXPECT_FALSE(pred(&on_stack));
  for (const Block& b : mine) m->deallocate(b.p, b.bytes);
}

}  // namespace
