// What only the STM promises: early release, the private predicate, its
// options and statistics, and conflict detection at stripe granularity.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "tests/tm/tm_cases.hpp"
#include "tm/stm.hpp"

namespace {

using lbtm::StmRuntime;
using Tx = StmRuntime::Tx;

TEST(Stm, DescribeReportsTheLockTable) {
  StmRuntime rt({{"locks_log2", "12"}, {"stripe_log2", "5"}}, 1);
  auto d = rt.describe();
  EXPECT_EQ(d.at("name"), "stm");
  EXPECT_EQ(d.at("locks_log2"), "12");
  EXPECT_EQ(d.at("stripe_log2"), "5");
}

TEST(Stm, RejectsBadOptions) {
  EXPECT_THROW(StmRuntime({{"locks_log2", "99"}}, 1), std::invalid_argument);
  EXPECT_THROW(StmRuntime({{"stripe_log2", "x"}}, 1), std::invalid_argument);
  EXPECT_THROW(StmRuntime({{"no_such_option", "1"}}, 1), std::invalid_argument);
  EXPECT_THROW(StmRuntime({}, 0), std::invalid_argument);
}

// A tiny lock table and wide stripes: many words share a lock, so commits
// meet their own locks and validation meets locks this transaction holds.
TEST(Stm, BankWithSharedStripes) {
  StmRuntime rt({{"locks_log2", "4"}, {"stripe_log2", "7"}}, tm_cases::kThreads);
  tm_cases::bank(rt, tm_cases::kThreads);
}

TEST(Stm, OpacityWithSharedStripes) {
  StmRuntime rt({{"locks_log2", "4"}, {"stripe_log2", "7"}}, tm_cases::kThreads);
  tm_cases::opacity(rt, tm_cases::kThreads);
}

// The read set logs every read (as TL2 and TinySTM do: a word read three
// times is three entries); the write set holds each word once.
TEST(Stm, ReadSetLogsEveryReadWriteSetEveryWordOnce) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> w(64, 1);
  th.atomically([&](Tx& tx) {
    for (int rep = 0; rep < 3; ++rep)
      for (int i = 0; i < 10; ++i) (void)tx.load(&w[i]);
    tx.store(&w[20], int64_t(7));
    tx.store(&w[20], int64_t(8));
    tx.store(&w[21], tx.load(&w[20]));  // read-after-write: from the write set, not the read set
  });
  EXPECT_EQ(w[20], 8);
  EXPECT_EQ(w[21], 8);
  EXPECT_EQ(th.stats().read_set_max, 30u);
  EXPECT_EQ(th.stats().write_set_max, 2u);
}

TEST(Stm, NoValidationWhenNobodyElseCommitted) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> w(8, 1);
  for (int i = 0; i < 3; ++i)
    th.atomically([&](Tx& tx) { tx.store(&w[i], tx.load(&w[i]) + tx.load(&w[7])); });
  EXPECT_EQ(th.stats().commits, 3u);
  EXPECT_EQ(th.stats().validations, 0u);  // TL2: a commit right after our start needs no validation
}

TEST(Stm, ReleaseDropsEntriesFromTheReadSet) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> w(100, 0);
  th.atomically([&](Tx& tx) {
    for (auto& x : w) (void)tx.load(&x);
    tx.release(&w[10], 40 * sizeof(int64_t));  // words 10..49
    tx.release(&w[90], 3);                     // part of a word releases the word
  });
  EXPECT_EQ(th.stats().read_set_max, 59u);
  EXPECT_EQ(th.stats().released, 41u);
}

// The Labyrinth pattern: the whole 512x512x7 grid read, then released a cache
// line at a time.  With a search per release this would be quadratic and
// time out; here it is a few passes over the grid.
TEST(Stm, ReleasingAGridReadALineAtATimeIsLinear) {
  constexpr size_t kWords = 512 * 512 * 7;
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> grid(kWords, 0);
  int64_t out = 0;
  th.atomically([&](Tx& tx) {
    for (size_t i = 0; i < kWords; ++i) (void)tx.load(&grid[i]);
    for (size_t i = 0; i < kWords; i += 8) tx.release(&grid[i], 64);
    tx.store(&out, int64_t(1));
  });
  EXPECT_EQ(th.stats().released, kWords);
  EXPECT_EQ(th.stats().read_set_max, 0u);
  EXPECT_EQ(out, 1);
}

// The private predicate of the tests below: the words of a vector.
bool in_range(const void* p, const void* ctx) {
  auto* r = static_cast<const std::vector<int64_t>*>(ctx);
  return p >= r->data() && p < r->data() + r->size();
}

// Another thread (id 1) that commits `body` once, while our first attempt
// waits for it (commit_now_once(), a no-op in later attempts).
class OtherCommitsOnce {
 public:
  template <class Body>
  OtherCommitsOnce(StmRuntime& rt, Body body)
      : thread_([this, &rt, body] {
          StmRuntime::Thread th(rt, 1);
          while (stage_.load() != 1) std::this_thread::yield();
          th.atomically(body);
          stage_.store(2);
        }) {}
  ~OtherCommitsOnce() { thread_.join(); }
  void commit_now_once() {
    if (stage_.load() != 0) return;
    stage_.store(1);
    while (stage_.load() != 2) std::this_thread::yield();
  }

 private:
  std::atomic<int> stage_{0};  // before thread_: set before the thread starts
  std::thread thread_;
};

// A released word that another thread then changes does not abort us; the
// same word kept in the read set does.  Released after its load, or read
// and released at once (lbtm::load_released: never logged).
enum class Keep { kKept, kReleased, kReleasedAtOnce };
void released_word_changed_by_another(Keep keep, uint64_t expected_validation_aborts) {
  StmRuntime rt({}, 2);
  tm_cases::PaddedWord a, b, out;
  StmRuntime::Thread th(rt, 0);
  {
    OtherCommitsOnce other(rt, [&](Tx& tx) { tx.store(&a.v, tx.load(&a.v) + 1); });
    th.atomically([&](Tx& tx) {
      int64_t v = keep == Keep::kReleasedAtOnce ? lbtm::load_released(tx, &a.v) : tx.load(&a.v);
      (void)tx.load(&b.v);
      if (keep == Keep::kReleased) tx.release(&a.v, sizeof a.v);
      other.commit_now_once();
      tx.store(&out.v, v + 100);
    });
  }
  EXPECT_EQ(th.stats().aborts_validation, expected_validation_aborts);
  EXPECT_EQ(th.stats().commits, 1u);
  // One validation: the first attempt's commit, which another commit preceded (it fails
  // when `a` is kept, passes when released); the second attempt's commit needs none.
  EXPECT_EQ(th.stats().validations, 1u);
  EXPECT_EQ(a.v, 1);
  EXPECT_EQ(out.v, keep == Keep::kKept ? 101 : 100);
  EXPECT_EQ(th.stats().released, keep == Keep::kKept ? 0u : 1u);
}
TEST(Stm, KeptWordChangedByAnotherAborts) { released_word_changed_by_another(Keep::kKept, 1); }
TEST(Stm, ReleasedWordChangedByAnotherDoesNotAbort) { released_word_changed_by_another(Keep::kReleased, 0); }
TEST(Stm, WordReleasedAtOnceChangedByAnotherDoesNotAbort) {
  released_word_changed_by_another(Keep::kReleasedAtOnce, 0);
}

// A read released at once is still a read of the transaction's snapshot:
// we hold b (logged) when another thread commits a and b together; our read
// of a then finds a version newer than the snapshot, tries to extend it,
// finds b changed and aborts, instead of returning the new a beside the old
// b.  The attempt after sees both new.  (A plain read of a would return 1
// beside b's 0, and this attempt would commit on a snapshot that never was.)
TM_PURE void note_pair(std::vector<std::pair<int64_t, int64_t>>* seen, int64_t a, int64_t b) {
  seen->push_back({a, b});
}
TEST(Stm, AReadReleasedAtOnceIsCheckedAgainstTheSnapshot) {
  StmRuntime rt({}, 2);
  tm_cases::PaddedWord a, b, out;
  StmRuntime::Thread th(rt, 0);
  std::vector<std::pair<int64_t, int64_t>> seen;  // (a, b) as each attempt read them
  {
    OtherCommitsOnce other(rt, [&](Tx& tx) {
      tx.store(&a.v, int64_t(1));
      tx.store(&b.v, int64_t(1));
    });
    th.atomically([&](Tx& tx) {
      int64_t vb = tx.load(&b.v);
      other.commit_now_once();
      int64_t va = lbtm::load_released(tx, &a.v);
      note_pair(&seen, va, vb);
      tx.store(&out.v, va + 10 * vb);
    });
  }
  EXPECT_EQ(th.stats().aborts_validation, 1u);  // the first attempt, at its read of a
  EXPECT_EQ(th.stats().commits, 1u);
  ASSERT_EQ(seen.size(), 1u);  // the aborted attempt never got a value of a
  EXPECT_EQ(seen[0], std::make_pair(int64_t(1), int64_t(1)));
  EXPECT_EQ(out.v, 11);
  EXPECT_EQ(th.stats().read_set_max, 1u);  // b only
  EXPECT_EQ(th.stats().released, 1u);      // a, in the attempt that committed
}

// What load_released logs and counts: nothing for a private word or a word
// read from the write set (neither is ever logged), one released entry for
// any other; and a word loaded before stays in the read set.
TEST(Stm, ReadsReleasedAtOnceAreCountedNotLogged) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> w(64, 3), mine(4, 5);
  th.set_private({in_range, &mine});
  int64_t sum = 0;
  th.atomically([&](Tx& tx) {
    sum = 0;
    for (int i = 0; i < 40; ++i) sum += lbtm::load_released(tx, &w[i]);  // 40 released
    (void)tx.load(&w[40]);                                              // logged
    sum += lbtm::load_released(tx, &w[40]);                             // released; the logged read stays
    tx.store(&w[50], int64_t(9));
    sum += lbtm::load_released(tx, &w[50]);  // from the write set: 9, not logged, not counted
    sum += lbtm::load_released(tx, &mine[0]);  // private: in place, not counted
  });
  EXPECT_EQ(sum, 40 * 3 + 3 + 9 + 5);
  EXPECT_EQ(th.stats().read_set_max, 1u);
  EXPECT_EQ(th.stats().released, 41u);
}

// Private memory: accessed in place, in neither set, never undone.
TEST(Stm, PrivateWordsAreInNeitherSet) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  std::vector<int64_t> mine(16, 0);
  tm_cases::PaddedWord shared;
  th.set_private({in_range, &mine});
  int attempt = 0;
  th.atomically([&](Tx& tx) {
    ++attempt;
    for (int i = 0; i < 16; ++i) tx.store(&mine[i], tx.load(&mine[i]) + 1);
    EXPECT_EQ(mine[3], attempt);  // written in place, immediately
    tx.store(&shared.v, tx.load(&shared.v) + 1);
    if (attempt == 1) tx.restart();
  });
  EXPECT_EQ(mine[3], 2);  // the aborted attempt's private stores were not undone
  EXPECT_EQ(shared.v, 1);  // its shared store was
  EXPECT_EQ(th.stats().read_set_max, 1u);
  EXPECT_EQ(th.stats().write_set_max, 1u);
}

// Abort attribution: with 16 locks of one word, a word of another thread's
// array shares the lock of our own first word.  The other thread commits a
// write to it while our first attempt is between its read and its commit.
//  - we read our own word (logged: no filter): a false conflict, counted;
//  - we read a word the other thread writes: a true conflict, not counted;
//  - our own memory is also private (the filter): never logged, no abort.
enum class Read { kOwnWord, kSharedWord };
void conflict_at_commit(Read what, bool filter, uint64_t aborts, uint64_t false_aborts) {
  StmRuntime rt({{"locks_log2", "4"}, {"stripe_log2", "3"}}, 2);
  std::vector<int64_t> mine(16, 0);
  std::vector<int64_t> theirs(32, 0);  // 256 bytes: every lock has one of its words
  auto lock_of = [](const void* p) { return (reinterpret_cast<uintptr_t>(p) >> 3) & 15; };
  int64_t* alias = nullptr;  // theirs' word on our first word's lock
  for (auto& w : theirs)
    if (lock_of(&w) == lock_of(&mine[0])) alias = &w;
  ASSERT_NE(alias, nullptr);
  tm_cases::PaddedWord shared;
  int64_t* written_by_other = what == Read::kOwnWord ? alias : &shared.v;
  std::atomic<int> stage{0};
  std::thread other([&] {
    StmRuntime::Thread th(rt, 1);
    while (stage.load() != 1) std::this_thread::yield();
    th.atomically([&](Tx& tx) { tx.store(written_by_other, tx.load(written_by_other) + 1); });
    stage.store(2);
  });
  StmRuntime::Thread th(rt, 0);
  th.set_own_memory({in_range, &mine});
  if (filter) th.set_private({in_range, &mine});
  th.atomically([&](Tx& tx) {
    int64_t v = what == Read::kOwnWord ? tx.load(&mine[0]) : tx.load(&shared.v);
    if (stage.load() == 0) {  // first attempt only: let the other thread commit now
      stage.store(1);
      while (stage.load() != 2) std::this_thread::yield();
    }
    tx.store(&mine[1], v + 1);
  });
  other.join();
  EXPECT_EQ(th.stats().aborts(), aborts);
  EXPECT_EQ(th.stats().false_aborts_private, false_aborts);
  EXPECT_EQ(th.stats().commits, 1u);
}
TEST(Stm, AnAbortOnOwnMemoryIsAFalseConflict) { conflict_at_commit(Read::kOwnWord, false, 1, 1); }
TEST(Stm, AnAbortOnASharedWordIsNotCountedFalse) { conflict_at_commit(Read::kSharedWord, false, 1, 0); }
TEST(Stm, PrivateMemoryNeverReachesTheLockTable) { conflict_at_commit(Read::kOwnWord, true, 0, 0); }

TEST(Stm, ForeignExceptionsGiveBackMemoryAndPassThrough) {
  StmRuntime rt({}, 1);
  StmRuntime::Thread th(rt, 0);
  tm_cases::PaddedWord w;
  EXPECT_THROW(th.atomically([&](Tx& tx) {
    (void)tx.alloc(100);
    tx.store(&w.v, int64_t(9));
    throw std::runtime_error("body failed");
  }),
               std::runtime_error);
  EXPECT_EQ(w.v, 0);  // buffered, never written back
  EXPECT_EQ(th.stats().tx_allocs_undone, 1u);
}

}  // namespace
