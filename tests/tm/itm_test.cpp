// `itm` (libitm, compiled with -fgnu-tm): the shared correctness cases, and
// the proof that its transactions are retryable, not serial-irrevocable.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "tests/tm/tm_cases.hpp"
#include "tm/itm.hpp"

namespace {

using lbtm::ItmRuntime;

// The method this process was started with (ctest sets it per test).
std::string asked_method() {
  const char* m = std::getenv("LB_TEST_ITM_METHOD");
  return m ? m : "";
}
bool serial_method(const std::string& m) { return m.rfind("serial", 0) == 0; }

TEST(Itm, RecordsTheMethod) {
  ItmRuntime rt({}, 1);
  std::string m = asked_method();
  EXPECT_EQ(rt.describe().at("method"), m.empty() ? "ml_wt" : m);
  EXPECT_EQ(rt.describe().at("method_source"), m.empty() ? rt.describe().at("method_source") : "ITM_DEFAULT_METHOD");
  EXPECT_THROW(ItmRuntime({{"x", "1"}}, 1), std::invalid_argument);
}

// _ITM_inTransaction() inside the body: 1 (retryable) unless a serial
// method was asked for; and a restart really rolls the attempt back.
TEST(Itm, TransactionsAreRetryableUnlessSerialWasAsked) {
  ItmRuntime rt({}, 1);
  ItmRuntime::Thread th(rt, 0);
  std::atomic<uint64_t> how{0};
  th.atomically([&](ItmRuntime::Tx&) { lbtm::itm_detail::set(reinterpret_cast<uint64_t*>(&how), uint64_t(lbtm::itm_detail::how_executing())); });
  if (serial_method(asked_method())) {  // asked for: serialised, and no restart
    // serialirr is irrevocable from the start; serial keeps an undo log
    // (revocable); serialirr_onwrite turns irrevocable at its first write.
    if (asked_method() == "serialirr") {
      EXPECT_EQ(how.load(), 2u);
    }
    EXPECT_TRUE(how.load() == 1u || how.load() == 2u) << how.load();
    EXPECT_EQ(th.stats().irrevocable, how.load() == 2u ? 1u : 0u);
    EXPECT_FALSE(rt.restart_rolls_back());
  } else {
    EXPECT_EQ(how.load(), 1u);
    EXPECT_EQ(th.stats().irrevocable, 0u);
    EXPECT_TRUE(rt.restart_rolls_back());
  }
}

// Under a serial method tx.restart() is refused with a clear error instead of
// running on with an attempt's stores not rolled back: an exception the
// caller records as a failed run (the process goes on).
TEST(Itm, RestartUnderASerialMethodIsARecordedFailure) {
  if (!serial_method(asked_method())) GTEST_SKIP() << "only under serial methods";
  ItmRuntime rt({}, 1);
  ItmRuntime::Thread th(rt, 0);
  int bodies = 0;
  try {
    th.atomically([&](ItmRuntime::Tx& tx) {
      ++bodies;
      tx.restart();
    });
    ADD_FAILURE() << "tx.restart() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("libitm does not roll a cancelled transaction back"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(bodies, 1);  // not run again
  uint64_t word = 0;     // and the thread still runs transactions
  th.atomically([&](ItmRuntime::Tx& tx) { tx.store(&word, uint64_t{7}); });
  EXPECT_EQ(word, 7u);
}

// Every method that can roll a restart back must pass the shared cases.
class ItmRetryable : public ::testing::Test {
 protected:
  void SetUp() override {
    ItmRuntime probe({}, 1);
    if (!probe.restart_rolls_back()) GTEST_SKIP() << "libitm cannot roll back a restart under " << probe.method();
  }
};

TEST_F(ItmRetryable, RestartUndoesStoresAndAllocations) {
  ItmRuntime rt({}, 1);
  tm_cases::restart_undoes_stores_and_allocations(rt);
}

// The undo-log path: libitm (ml_wt, gl_wt) writes in place and replays its
// undo log on abort, which must never reach a block freed in the attempt.
TEST_F(ItmRetryable, TxFreeWaitsForCommit) {
  ItmRuntime rt({}, 1);
  tm_cases::tx_free_waits_for_commit(rt);
}

TEST(Itm, KnowsWhenInsideATransaction) {
  ItmRuntime rt({}, 1);
  tm_cases::knows_when_inside(rt);
}

TEST_F(ItmRetryable, BankTotalNeverChanges) {
  ItmRuntime rt({}, tm_cases::kThreads);
  tm_cases::bank(rt, tm_cases::kThreads);
}

TEST_F(ItmRetryable, OpacityPairNeverSeenTorn) {
  ItmRuntime rt({}, tm_cases::kThreads);
  tm_cases::opacity(rt, tm_cases::kThreads);
}

// Reads by hand from uninstrumented code (ItmRuntime::Tx::load_from_pure,
// as Lee-TM's router reads the shared grid from its TM_PURE search): x and
// y are written together by compiler-instrumented transactions; a reader
// that loads them by hand, with other words between, never sees them differ,
// and a pure sum of a bank audited by hand never changes.
TM_PURE bool torn_by_hand(ItmRuntime::Tx& tx, const tm_cases::PaddedWord* x, const tm_cases::PaddedWord* filler,
                          const tm_cases::PaddedWord* y) {
  int64_t a = tx.load_from_pure(&x->v);
  for (int i = 0; i < 16; ++i) (void)tx.load_from_pure(&filler[i].v);
  return a != tx.load_from_pure(&y->v);
}

TEST_F(ItmRetryable, ReadsByHandFromPureCodeAreOpaque) {
  ItmRuntime rt({}, tm_cases::kThreads);
  tm_cases::PaddedWord x, y;
  auto filler = std::make_unique<tm_cases::PaddedWord[]>(16);
  std::atomic<uint64_t> torn{0}, reads{0};
  tm_cases::run_threads(rt, tm_cases::kThreads, [&](int id, ItmRuntime::Thread& th, std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed)) {
      if (id % 2 == 0) {
        th.atomically([&](ItmRuntime::Tx& tx) {
          int64_t v = tx.load(&x.v) + 1;
          tx.store(&x.v, v);
          tx.store(&filler[v % 16].v, v);
          tx.store(&y.v, v);
        });
      } else {
        th.atomically([&](ItmRuntime::Tx& tx) {
          if (torn_by_hand(tx, &x, filler.get(), &y)) tm_cases::count_event(&torn);
        });
        reads.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  EXPECT_EQ(x.v, y.v);
  EXPECT_GT(x.v, 0);
}

}  // namespace
