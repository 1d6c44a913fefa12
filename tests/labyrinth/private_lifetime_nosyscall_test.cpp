// allocpage's atomic path under the transaction lifetime makes no system
// call (issue 12): what a routing transaction does with its private blocks
// (tx.alloc from the private memory's atomic source, accesses through the
// TM, tx.free at commit, an aborted attempt giving its blocks back, a
// request the dry reserve cannot serve) runs in a child under a seccomp
// filter that kills it on any system call (tests/common/no_syscalls.hpp, as
// tests/allocators/allocpage_nosyscall_test.cpp proves it for allocpage
// alone).  The control: the blocking refill the router makes after a dry
// attempt dies of SIGSYS under the same filter.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>

#include "labyrinth/private_memory.hpp"
#include "tests/common/no_syscalls.hpp"
#include "tm/direct.hpp"
#include "tm/stm.hpp"

namespace {

// Blocks of a small worker: a grid, a queue, a traceback buffer (not page multiples).
constexpr size_t kGrid = 5 * 4096 + 8, kQueue = 3 * 4096 + 16, kTrace = 4096 + 24;
constexpr size_t kReserve = 2 * (6 + 4 + 2) * 4096;  // two attempts' worth, page by page

struct Shared {  // written by the child, read by the parent (mapped before the fork)
  int commits = 0, attempts = 0, nulls = 0;
  uint64_t undone = 0;
};

template <class R>
struct Child {
  lb::PrivateMemorySource src;
  std::unique_ptr<lb::PrivateMemory> memory;
  std::unique_ptr<R> rt;
  std::unique_ptr<typename R::Thread> th;

  // Before the filter: the allocator, the runtime, and one round of what the
  // body does, so that the logs' vectors have their capacity.
  void setup(bool filter) {
    try {
      src = lb::allocpage_private_memory(4096, kReserve);
    } catch (...) {  // lb::RunError: allocpage could not be had
      _exit(91);
    }
    memory = src.make();
    rt = std::make_unique<R>(lbtm::Options{}, 1);
    th = std::make_unique<typename R::Thread>(*rt, 0);
    if (filter) th->set_private(memory->predicate());
    Shared warm;
    for (int i = 0; i < 3; ++i) one_transaction(i, &warm);
  }

  // One routing transaction's life of its private blocks; every third one
  // aborts once after taking them, every fifth asks for more than the reserve
  // has (nullptr, and the attempt goes on without it).
  void one_transaction(int i, Shared* out) {
    bool aborted = false;
    th->atomically([&](typename R::Tx& tx) {
      ++out->attempts;
      const lbtm::BlockSource& s = memory->atomic_source();
      auto* grid = static_cast<uint64_t*>(tx.alloc(kGrid, s));
      auto* queue = static_cast<uint64_t*>(tx.alloc(kQueue, s));
      auto* trace = static_cast<uint64_t*>(tx.alloc(kTrace, s));
      if (grid == nullptr || queue == nullptr || trace == nullptr) _exit(93);  // the reserve holds them
      for (uint64_t* b : {grid, queue, trace}) {
        tx.store(&b[0], uint64_t(i));
        tx.store(&b[1], tx.load(&b[0]) + 1);
      }
      if (i % 5 == 0 && tx.alloc(4 * kReserve, s) == nullptr) ++out->nulls;
      if (i % 3 == 0 && !aborted) {
        aborted = true;
        tx.restart();
      }
      tx.free(trace, kTrace, s);
      tx.free(queue, kQueue, s);
      tx.free(grid, kGrid, s);
    });
    ++out->commits;
    out->undone = th->stats().tx_allocs_undone;
  }
};

class PrivateLifetimeNoSyscall : public ::testing::Test {
 protected:

  template <class R>
  void expect_no_system_call(bool filter) {
    Child<R> child;
    int status = lb_test::in_child_without_syscalls([&] { child.setup(filter); },
                                                    [&] {
                                                      for (int i = 0; i < 300; ++i) child.one_transaction(i, out);
                                                      if (!child.memory->error().empty()) _exit(94);
                                                    });
    ASSERT_TRUE(WIFEXITED(status)) << "child killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0)
                                   << (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS ? " (SIGSYS: a system call)"
                                                                                         : "");
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(out->commits, 300);
    EXPECT_EQ(out->attempts, 300 + 100);  // every third aborted once
    EXPECT_EQ(out->nulls, 60 + 20);  // i % 15 == 0 asked in its aborted attempt too
    EXPECT_GE(out->undone, 3u * 100);  // the aborted attempts' blocks went back
  }
  lb_test::SharedWithChild<Shared> shared_;
  Shared* out = shared_.get();
};

TEST_F(PrivateLifetimeNoSyscall, SeqFilterOn) { expect_no_system_call<lbtm::SeqRuntime>(true); }
TEST_F(PrivateLifetimeNoSyscall, StmFilterOn) { expect_no_system_call<lbtm::StmRuntime>(true); }
TEST_F(PrivateLifetimeNoSyscall, StmFilterOff) { expect_no_system_call<lbtm::StmRuntime>(false); }

// The control: the refill a worker makes outside the transaction, once the
// reserve is dry, does enter the kernel, and the filter catches it.
TEST_F(PrivateLifetimeNoSyscall, TheBlockingRefillIsCaughtByTheSameFilter) {
  Child<lbtm::SeqRuntime> child;
  int status = lb_test::in_child_without_syscalls(
      [&] {
        child.setup(true);
        const lbtm::BlockSource& s = child.memory->atomic_source();
        while (s.allocate(s.ctx, kGrid) != nullptr) {  // drain the reserve
        }
      },
      [&] { out->commits += child.memory->refill(kGrid) ? 1 : 2; });
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGSYS);
  EXPECT_EQ(out->commits, 0);
}

}  // namespace
