// An atomic request makes no system call: proved, not assumed.  A child
// process sets the allocator up, then installs a seccomp filter that kills it
// on any system call but exit_group, and only then makes its atomic requests
// (tests/common/no_syscalls.hpp).  Surviving to exit_group(0) means none of
// them entered the kernel (so none could block or sleep in it either).  A
// control run makes a blocking request under the same filter and must die of
// SIGSYS: the filter does catch calls.  Labyrinth's use of the atomic path,
// inside transactions, is proved the same way in
// tests/labyrinth/private_lifetime_nosyscall_test.cpp.
#include <gtest/gtest.h>

#include <csignal>
#include <cstddef>
#include <string>

#include "allocators/allocpage.hpp"
#include "tests/common/no_syscalls.hpp"

namespace {

constexpr size_t kPage = 4096;

// Results the child writes for the parent (a shared mapping made before fork).
struct Shared {
  int nulls = 0, non_nulls = 0, owner_ok = 0;
  size_t failed_atomic = 0;
};

// Runs body in a child under the filter, after setting allocpage up there;
// returns the child's wait status.
template <class Setup, class Body>
int run_without_syscalls(Shared* out, Setup setup, Body body) {
  return lb_test::in_child_without_syscalls(
      [&] {
        allocpage_config cfg;
        cfg.page_size = kPage;
        cfg.reserve_bytes = 8 * kPage;
        cfg.limit_bytes = 64 * kPage;
        std::string error;
        if (!allocpage_init(cfg, &error)) _exit(91);
        setup();
      },
      [&] { body(out); });
}

class NoSyscall : public ::testing::Test {
 protected:
  lb_test::SharedWithChild<Shared> shared_;
  Shared* out = shared_.get();
};

TEST_F(NoSyscall, AtomicRequestsOnAnExhaustedReserveReturnNullWithoutSystemCalls) {
  int status = run_without_syscalls(
      out,
      [] {
        for (int i = 0; i < 8; ++i)
          if (!allocpage(ALLOCPAGE_ATOMIC)) _exit(92);
      },
      [](Shared* o) {
        for (int i = 0; i < 1000; ++i) {
          unsigned flags = ALLOCPAGE_ATOMIC | (i % 2 ? unsigned{ALLOCPAGE_EXCLUSIVE} : 0u);
          void* p = i % 3 ? allocpage(flags) : allocpage_block(1 + i % 5, flags);
          if (p) o->non_nulls++; else o->nulls++;
        }
        o->failed_atomic = allocpage_get_stats().failed_atomic;
      });
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                 << (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS ? " (SIGSYS: a system call)" : "");
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(out->nulls, 1000);
  EXPECT_EQ(out->non_nulls, 0);
  EXPECT_EQ(out->failed_atomic, 1000u);
}

TEST_F(NoSyscall, AtomicRequestsAndFreesFromTheReserveMakeNoSystemCalls) {
  int status = run_without_syscalls(
      out, [] {},
      [](Shared* o) {
        for (int i = 0; i < 1000; ++i) {
          char* p = static_cast<char*>(allocpage_block(1 + i % 3, ALLOCPAGE_ATOMIC | ALLOCPAGE_EXCLUSIVE));
          if (!p) {
            o->nulls++;
            continue;
          }
          o->non_nulls++;
          p[0] = 1;
          if (allocpage_owner(p + 100) == allocpage_thread_id()) o->owner_ok++;
          if (allocpage_free(p) != allocpage_status::ok) o->nulls += 1000000;
        }
      });
  ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(out->non_nulls, 1000);
  EXPECT_EQ(out->owner_ok, 1000);
  EXPECT_EQ(out->nulls, 0);
}

// The control: the filter must catch the system calls of a refill.
TEST_F(NoSyscall, ABlockingRefillUnderTheSameFilterIsCaught) {
  int status = run_without_syscalls(
      out,
      [] {
        for (int i = 0; i < 8; ++i)
          if (!allocpage(ALLOCPAGE_ATOMIC)) _exit(92);
      },
      [](Shared* o) { o->non_nulls += allocpage(ALLOCPAGE_BLOCKING) != nullptr; });
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
  EXPECT_EQ(out->non_nulls, 0);
}

}  // namespace
