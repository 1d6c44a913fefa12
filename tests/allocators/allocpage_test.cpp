// allocpage: page sizes, blocks, ownership, bad frees and statistics.
// Each test initialises the allocator afresh (ctest runs each test in its own
// process; the fixture also finalises, so the binary runs whole too).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "allocators/allocpage.hpp"
#include "allocators/pagemap.hpp"

namespace {

constexpr size_t kKiB = 1024, kMiB = 1024 * kKiB, kGiB = 1024 * kMiB;

struct Report {
  allocpage_status what;
  const void* addr;
  int owner, caller;
};
std::vector<Report> reports;
void record(allocpage_status what, const void* addr, int owner, int caller) {
  reports.push_back({what, addr, owner, caller});
}

class AllocPage : public ::testing::Test {
 protected:
  void SetUp() override {
    reports.clear();
    allocpage_set_reporter(record);
  }
  void TearDown() override {
    allocpage_fini();
    allocpage_set_reporter(nullptr);
  }
  void init(size_t page_size, size_t reserve, size_t limit = 1ull << 30) {
    allocpage_config cfg;
    cfg.page_size = page_size;
    cfg.reserve_bytes = reserve;
    cfg.limit_bytes = limit;
    cfg.refill_bytes = page_size;
    std::string error;
    ASSERT_TRUE(allocpage_init(cfg, &error)) << error;
  }
};

long free_hugetlb_pages(size_t page_size) {
  std::ifstream f("/sys/kernel/mm/hugepages/hugepages-" + std::to_string(page_size / kKiB) + "kB/free_hugepages");
  long n = -1;
  f >> n;
  return f ? n : -1;
}

TEST_F(AllocPage, FourKibPagesAreObtainedAndCheckedInSmaps) {
  init(4 * kKiB, 16 * 4 * kKiB);
  EXPECT_EQ(allocpage_page_size(), 4 * kKiB);
  char* p = static_cast<char*>(allocpage(ALLOCPAGE_ATOMIC));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (4 * kKiB), 0u);
  std::memset(p, 0xab, 4 * kKiB);
  std::string detail;
  EXPECT_EQ(pagemap_backing_page_size(p, 4 * kKiB, &detail), 0u)
      << "one page of a larger mapping is 'mixed' by design: " << detail;
  EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
}

TEST_F(AllocPage, SecondInitIsRefused) {
  init(4 * kKiB, 4 * kKiB);
  allocpage_config cfg;
  cfg.page_size = 2 * kMiB;
  std::string error;
  EXPECT_FALSE(allocpage_init(cfg, &error));
  EXPECT_NE(error.find("already initialised"), std::string::npos) << error;
  EXPECT_EQ(allocpage_page_size(), 4 * kKiB);
}

TEST_F(AllocPage, BadPageSizeIsRefused) {
  allocpage_config cfg;
  cfg.page_size = 8 * kKiB;
  std::string error;
  EXPECT_FALSE(allocpage_init(cfg, &error));
  EXPECT_NE(error.find("4k, 2m or 1g"), std::string::npos) << error;
  EXPECT_FALSE(allocpage_ready());
}

// 2 MiB pages: this machine has THP in madvise mode; a machine where they
// cannot be had must say what to configure, never fall back silently.
TEST_F(AllocPage, TwoMibPagesAreHugeOrTheErrorSaysWhatToConfigure) {
  allocpage_config cfg;
  cfg.page_size = 2 * kMiB;
  cfg.reserve_bytes = 8 * kMiB;
  cfg.limit_bytes = 64 * kMiB;
  std::string error;
  if (!allocpage_init(cfg, &error)) {
    EXPECT_NE(error.find("nr_hugepages"), std::string::npos) << error;
    GTEST_SKIP() << "2 MiB pages unavailable here: " << error;
  }
  EXPECT_EQ(allocpage_page_size(), 2 * kMiB);
  char* p = static_cast<char*>(allocpage_block(4, ALLOCPAGE_ATOMIC));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * kMiB), 0u);
  // Independent of init's own check: the reserve as a whole is huge pages.
  std::string detail;
  char* base = p;  // the first block carved is the start of the reserve
  EXPECT_EQ(pagemap_backing_page_size(base, 8 * kMiB, &detail), 2 * kMiB) << detail;
  EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
}

TEST_F(AllocPage, OneGibPagesNeedHugetlbfsOrTheErrorSaysWhatToConfigure) {
  allocpage_config cfg;
  cfg.page_size = kGiB;
  cfg.reserve_bytes = kGiB;
  cfg.limit_bytes = kGiB;
  std::string error;
  bool ok = allocpage_init(cfg, &error);
  if (free_hugetlb_pages(kGiB) > 0) {
    ASSERT_TRUE(ok) << error;
    EXPECT_EQ(allocpage_page_size(), kGiB);
  } else {
    EXPECT_FALSE(ok);
    EXPECT_FALSE(allocpage_ready()) << "no silent fallback to another page size";
    EXPECT_NE(error.find("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"), std::string::npos) << error;
    EXPECT_NE(error.find("hugepagesz=1G"), std::string::npos) << error;
  }
}

TEST_F(AllocPage, ThpCannotServeOneGibPages) {
  allocpage_config cfg;
  cfg.page_size = kGiB;
  cfg.method = allocpage_method::thp;
  std::string error;
  EXPECT_FALSE(allocpage_init(cfg, &error));
  EXPECT_NE(error.find("cannot be had by this method"), std::string::npos) << error;
}

TEST_F(AllocPage, BlocksAreContiguousAndDoNotOverlap) {
  init(4 * kKiB, 64 * 4 * kKiB);
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t n : {1, 3, 7, 1, 16, 2}) {
    char* p = static_cast<char*>(allocpage_block(n, ALLOCPAGE_ATOMIC));
    ASSERT_NE(p, nullptr) << n;
    std::memset(p, static_cast<int>(n), n * 4 * kKiB);  // the whole block is writable
    blocks.emplace_back(p, n);
  }
  for (auto& [p, n] : blocks)
    for (size_t i = 0; i < n * 4 * kKiB; ++i) ASSERT_EQ(p[i], static_cast<char>(n));
  for (auto& [p, n] : blocks) EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
  EXPECT_EQ(allocpage_get_stats().pages_in_use, 0u);
  EXPECT_EQ(allocpage_get_stats().high_water, 30u);
}

TEST_F(AllocPage, FreedBlocksAreReusedBySameSizeRequests) {
  init(4 * kKiB, 8 * 4 * kKiB);
  void* a = allocpage_block(5, ALLOCPAGE_ATOMIC);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(allocpage_block(5, ALLOCPAGE_ATOMIC), nullptr) << "only 3 pages are left";
  EXPECT_EQ(allocpage_free(a), allocpage_status::ok);
  EXPECT_EQ(allocpage_block(5, ALLOCPAGE_ATOMIC), a);
}

TEST_F(AllocPage, AtomicRequestOnEmptyReserveFailsAndIsCounted) {
  init(4 * kKiB, 4 * 4 * kKiB);
  std::vector<void*> pages;
  for (int i = 0; i < 4; ++i) pages.push_back(allocpage(ALLOCPAGE_ATOMIC));
  for (void* p : pages) ASSERT_NE(p, nullptr);
  EXPECT_EQ(allocpage(ALLOCPAGE_ATOMIC), nullptr);
  EXPECT_EQ(allocpage_block(2, ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE), nullptr);
  allocpage_stats s = allocpage_get_stats();
  EXPECT_EQ(s.failed_atomic, 2u);
  EXPECT_EQ(s.reserve_hits, 4u) << "the four pages, and not the two failures";
  EXPECT_EQ(s.refills, 0u);
  EXPECT_EQ(s.pages_committed, 4u);
  for (void* p : pages) EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
}

TEST_F(AllocPage, BlockingRequestRefillsWhereAtomicFails) {
  init(4 * kKiB, 2 * 4 * kKiB, 64 * 4 * kKiB);
  void* a = allocpage_block(2, ALLOCPAGE_ATOMIC);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(allocpage_block(3, ALLOCPAGE_ATOMIC), nullptr);
  char* b = static_cast<char*>(allocpage_block(3, ALLOCPAGE_BLOCKING));
  ASSERT_NE(b, nullptr);
  std::memset(b, 1, 3 * 4 * kKiB);
  allocpage_stats s = allocpage_get_stats();
  EXPECT_GE(s.refills, 1u);
  EXPECT_GE(s.pages_committed, 5u);
  EXPECT_EQ(s.pages_in_use, 5u);
  EXPECT_EQ(s.high_water, 5u);
  EXPECT_EQ(s.failed_atomic, 1u);
  EXPECT_EQ(s.reserve_hits, 1u) << "the block of 3 needed a refill";
}

TEST_F(AllocPage, BlockingRequestFailsAtTheLimit) {
  init(4 * kKiB, 4 * kKiB, 4 * 4 * kKiB);
  EXPECT_NE(allocpage_block(3, ALLOCPAGE_BLOCKING), nullptr);
  EXPECT_EQ(allocpage_block(2, ALLOCPAGE_BLOCKING), nullptr);
}

TEST_F(AllocPage, FlagsMustSayAtomicOrBlocking) {
  init(4 * kKiB, 4 * kKiB);
  EXPECT_EQ(allocpage(0), nullptr);
  EXPECT_EQ(allocpage(ALLOCPAGE_EXCLUSIVE), nullptr);
  EXPECT_EQ(allocpage(ALLOCPAGE_ATOMIC | ALLOCPAGE_BLOCKING), nullptr);
  EXPECT_EQ(allocpage_get_stats().pages_in_use, 0u);
}

TEST_F(AllocPage, OwnerCoversEveryAddressOfAnExclusiveBlock) {
  init(4 * kKiB, 16 * 4 * kKiB);
  int me = allocpage_thread_id();
  char* shared = static_cast<char*>(allocpage(ALLOCPAGE_ATOMIC));
  char* mine = static_cast<char*>(allocpage_block(3, ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE));
  ASSERT_NE(shared, nullptr);
  ASSERT_NE(mine, nullptr);
  for (size_t off = 0; off < 3 * 4 * kKiB; off += 511) EXPECT_EQ(allocpage_owner(mine + off), me) << off;
  EXPECT_EQ(allocpage_owner(mine + 3 * 4 * kKiB - 1), me);
  EXPECT_EQ(allocpage_owner(shared), -1);
  EXPECT_EQ(allocpage_owner(shared + 4 * kKiB - 1), -1);
  int on_stack = 0;
  EXPECT_EQ(allocpage_owner(&on_stack), -1);
  EXPECT_EQ(allocpage_owner(nullptr), -1);
  // Another thread gets its own id and its own pages.
  int other_id = -2;
  char* theirs = nullptr;
  std::thread([&] {
    other_id = allocpage_thread_id();
    theirs = static_cast<char*>(allocpage(ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE));
  }).join();
  ASSERT_NE(theirs, nullptr);
  EXPECT_NE(other_id, me);
  EXPECT_EQ(allocpage_owner(theirs + 100), other_id);
  // Freed pages belong to nobody.
  EXPECT_EQ(allocpage_free(mine), allocpage_status::ok);
  EXPECT_EQ(allocpage_owner(mine + 4 * kKiB + 5), -1);
}

TEST_F(AllocPage, ForeignFreeIsDetectedReportedAndRefused) {
  init(4 * kKiB, 4 * 4 * kKiB);
  char* mine = static_cast<char*>(allocpage_block(2, ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE));
  ASSERT_NE(mine, nullptr);
  int me = allocpage_thread_id();
  allocpage_status st = allocpage_status::ok;
  int foreigner = -1;
  std::thread([&] {
    foreigner = allocpage_thread_id();
    st = allocpage_free(mine);
  }).join();
  EXPECT_EQ(st, allocpage_status::foreign_free);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].what, allocpage_status::foreign_free);
  EXPECT_EQ(reports[0].addr, mine);
  EXPECT_EQ(reports[0].owner, me);
  EXPECT_EQ(reports[0].caller, foreigner);
  EXPECT_EQ(allocpage_owner(mine), me) << "a refused free leaves the block to its owner";
  EXPECT_EQ(allocpage_get_stats().pages_in_use, 2u);
  EXPECT_EQ(allocpage_get_stats().foreign_frees, 1u);
  EXPECT_EQ(allocpage_free(mine), allocpage_status::ok);
}

TEST_F(AllocPage, SharedPagesMayBeFreedByAnyThread) {
  init(4 * kKiB, 4 * 4 * kKiB);
  void* p = allocpage(ALLOCPAGE_ATOMIC);
  allocpage_status st = allocpage_status::invalid_free;
  std::thread([&] { st = allocpage_free(p); }).join();
  EXPECT_EQ(st, allocpage_status::ok);
  EXPECT_TRUE(reports.empty());
}

TEST_F(AllocPage, DoubleFreeIsDetectedAndReported) {
  init(4 * kKiB, 4 * 4 * kKiB);
  void* p = allocpage_block(2, ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE);
  ASSERT_EQ(allocpage_free(p), allocpage_status::ok);
  EXPECT_EQ(allocpage_free(p), allocpage_status::double_free);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].what, allocpage_status::double_free);
  allocpage_stats s = allocpage_get_stats();
  EXPECT_EQ(s.double_frees, 1u);
  EXPECT_EQ(s.pages_in_use, 0u);
  // The block was not pushed twice: it comes back once, then the bump goes on.
  void* again = allocpage_block(2, ALLOCPAGE_ATOMIC);
  void* other = allocpage_block(2, ALLOCPAGE_ATOMIC);
  EXPECT_EQ(again, p);
  EXPECT_NE(other, p);
}

TEST_F(AllocPage, InvalidFreesAreDetected) {
  init(4 * kKiB, 4 * 4 * kKiB);
  char* p = static_cast<char*>(allocpage_block(2, ALLOCPAGE_ATOMIC));
  int local = 0;
  EXPECT_EQ(allocpage_free(&local), allocpage_status::invalid_free);
  EXPECT_EQ(allocpage_free(p + 8), allocpage_status::invalid_free);          // not page aligned
  EXPECT_EQ(allocpage_free(p + 4 * kKiB), allocpage_status::invalid_free);   // inside a block
  EXPECT_EQ(allocpage_free(p + 3 * 4 * kKiB), allocpage_status::invalid_free);  // never handed out
  EXPECT_EQ(allocpage_get_stats().invalid_frees, 4u);
  EXPECT_EQ(reports.size(), 4u);
  EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
}

TEST_F(AllocPage, BlockSizesBeyondTheFreeListsLiveOnAsSinglePages) {
  // 64 free lists: single pages, then sizes 2..64 in the order they are first
  // freed.  Freed blocks of 65..70 pages have no list of their own.
  init(4 * kKiB, 4000 * 4 * kKiB, 4000 * 4 * kKiB);
  std::vector<void*> blocks;
  size_t total = 0;
  for (size_t n = 1; n <= 70; ++n) {
    blocks.push_back(allocpage_block(n, ALLOCPAGE_ATOMIC));
    ASSERT_NE(blocks.back(), nullptr);
    total += n;
  }
  for (void* p : blocks) EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
  EXPECT_EQ(allocpage_get_stats().pages_in_use, 0u);
  EXPECT_EQ(allocpage_block(64, ALLOCPAGE_ATOMIC), blocks[63]) << "64 has a list";
  EXPECT_EQ(allocpage_free(blocks[63]), allocpage_status::ok);
  size_t got = 0;
  while (allocpage(ALLOCPAGE_ATOMIC)) ++got;
  size_t split = 65 + 66 + 67 + 68 + 69 + 70;
  EXPECT_EQ(got, 1 + split + (4000 - total)) << "every freed page of 65..70 came back as a single page";
  EXPECT_EQ(allocpage_get_stats().refills, 0u);
}

}  // namespace

// A used-up reservation is the caller's to report: allocpage says why through
// allocpage_last_error and prints nothing (no printing from library code).
TEST_F(AllocPage, AUsedUpReservationIsReportedNotPrinted) {
  init(4 * kKiB, 2 * 4 * kKiB, 4 * 4 * kKiB);
  ::testing::internal::CaptureStderr();
  std::vector<void*> pages;
  for (int i = 0; i < 8; ++i)
    if (void* p = allocpage(ALLOCPAGE_BLOCKING)) pages.push_back(p);
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(pages.size(), 4u) << "the limit is four pages";
  EXPECT_NE(std::string(allocpage_last_error()).find("used up"), std::string::npos) << allocpage_last_error();
  EXPECT_EQ(printed, "");
  for (void* p : pages) EXPECT_EQ(allocpage_free(p), allocpage_status::ok);
}
