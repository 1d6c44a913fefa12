// The shared correctness cases (tm_cases.hpp) for seq, lock, stm and tbb.
#include <gtest/gtest.h>

#include "tests/tm/tm_cases.hpp"
#include "tm/direct.hpp"
#include "tm/stm.hpp"
#include "tm/tbb.hpp"

namespace {

template <class R>
class Concurrent : public ::testing::Test {};
using ConcurrentRuntimes = ::testing::Types<lbtm::LockRuntime, lbtm::StmRuntime, lbtm::TbbRuntime>;
TYPED_TEST_SUITE(Concurrent, ConcurrentRuntimes);

TYPED_TEST(Concurrent, BankTotalNeverChanges) {
  TypeParam rt({}, tm_cases::kThreads);
  tm_cases::bank(rt, tm_cases::kThreads);
}

TYPED_TEST(Concurrent, OpacityPairNeverSeenTorn) {
  TypeParam rt({}, tm_cases::kThreads);
  tm_cases::opacity(rt, tm_cases::kThreads);
}

TYPED_TEST(Concurrent, OpacityPairNeverSeenTornThroughReadsReleasedAtOnce) {
  TypeParam rt({}, tm_cases::kThreads);
  tm_cases::opacity<TypeParam, true>(rt, tm_cases::kThreads);
}

template <class R>
class Single : public ::testing::Test {};
using AllRuntimes = ::testing::Types<lbtm::SeqRuntime, lbtm::LockRuntime, lbtm::StmRuntime, lbtm::TbbRuntime>;
TYPED_TEST_SUITE(Single, AllRuntimes);

TYPED_TEST(Single, RestartUndoesStoresAndAllocations) {
  TypeParam rt({}, 1);
  tm_cases::restart_undoes_stores_and_allocations(rt);
}

TYPED_TEST(Single, TxFreeWaitsForCommit) {
  TypeParam rt({}, 1);
  tm_cases::tx_free_waits_for_commit(rt);
}

TYPED_TEST(Single, KnowsWhenInsideATransaction) {
  TypeParam rt({}, 1);
  tm_cases::knows_when_inside(rt);
}

TYPED_TEST(Single, DescribeNamesTheRuntime) {
  TypeParam rt({}, 1);
  EXPECT_EQ(rt.describe().at("name"), TypeParam::kName);
}

TEST(Seq, RefusesMoreThanOneThread) { EXPECT_THROW(lbtm::SeqRuntime({}, 2), std::invalid_argument); }

TEST(Tbb, RecordsWhetherTheCpuCanElide) {
  lbtm::TbbRuntime rt({}, 2);
  EXPECT_EQ(rt.describe().at("cpu_rtm"), lbtm::cpu_has_rtm() ? "yes" : "no");
}

}  // namespace
