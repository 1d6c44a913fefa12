// The HTM model (tm/htm_model.hpp): capacity exactly at the L1 model's
// associativity, eager requester-wins conflicts at line granularity, early
// release, lock subscription, the shared bank/opacity cases, options.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "tests/tm/tm_cases.hpp"
#include "tm/htm_model.hpp"

namespace {

using lbtm::HtmModelRuntime;
using Tx = HtmModelRuntime::Tx;

// Memory aligned to a page, freed by the destructor.
struct Buffer {
  explicit Buffer(size_t bytes) : p(static_cast<char*>(std::aligned_alloc(4096, (bytes + 4095) / 4096 * 4096))) {
    std::memset(p, 0, (bytes + 4095) / 4096 * 4096);
  }
  ~Buffer() { std::free(p); }
  int64_t* word(size_t byte_offset) const { return reinterpret_cast<int64_t*>(p + byte_offset); }
  char* p;
};

// Writes `lines` distinct lines that all map to L1 set 0 in one transaction;
// returns the thread's statistics and how many stores the body attempted.
struct SetFill {
  lbtm::Stats stats;
  uint64_t stores_attempted = 0;
};
SetFill fill_one_set(HtmModelRuntime& rt, unsigned lines) {
  const lbtm::L1Geometry g = rt.l1();
  const size_t stride = size_t(g.sets) * g.line_bytes;  // same set, next tag
  Buffer buf(stride * (lines + 1));
  std::atomic<uint64_t> stores{0};
  HtmModelRuntime::Thread th(rt, 0);
  th.atomically([&](Tx& tx) {
    for (unsigned i = 0; i < lines; ++i) {
      tm_cases::count_event(&stores);
      tx.store(buf.word(i * stride), int64_t(i + 1));
    }
  });
  for (unsigned i = 0; i < lines; ++i) EXPECT_EQ(*buf.word(i * stride), int64_t(i + 1));  // committed either way
  return {th.stats(), stores.load()};
}

TEST(HtmModelCapacity, WaysWrittenLinesInOneSetFit) {
  HtmModelRuntime rt({{"l1_sets", "64"}, {"l1_ways", "8"}, {"line_bytes", "64"}}, 1);
  for (unsigned lines = 1; lines <= 8; ++lines) {
    SetFill f = fill_one_set(rt, lines);
    EXPECT_EQ(f.stats.aborts(), 0u) << lines;
    EXPECT_EQ(f.stats.fallbacks, 0u) << lines;
    EXPECT_EQ(f.stats.write_set_max, lines);
    EXPECT_EQ(f.stores_attempted, lines);
  }
}

TEST(HtmModelCapacity, TheNextDistinctLineInThatSetAbortsAndFallsBack) {
  HtmModelRuntime rt({{"l1_sets", "64"}, {"l1_ways", "8"}, {"line_bytes", "64"}}, 1);
  SetFill f = fill_one_set(rt, 9);
  EXPECT_EQ(f.stats.aborts_capacity, 1u);
  EXPECT_EQ(f.stats.aborts(), 1u);
  EXPECT_EQ(f.stats.fallbacks, 1u);
  EXPECT_EQ(f.stats.commits, 1u);
  // The speculative attempt got through 8 stores and aborted on the 9th,
  // then the fallback ran all 9.
  EXPECT_EQ(f.stores_attempted, 9u + 9u);
}

TEST(HtmModelCapacity, MachineGeometryByDefault) {
  HtmModelRuntime rt({}, 1);
  lbtm::L1Geometry sys = lbtm::read_l1d_geometry();
  EXPECT_EQ(rt.l1().sets, sys.sets);
  EXPECT_EQ(rt.l1().ways, sys.ways);
  EXPECT_EQ(rt.describe().at("l1_ways"), std::to_string(sys.ways));
  EXPECT_EQ(fill_one_set(rt, sys.ways).stats.aborts(), 0u);
  EXPECT_EQ(fill_one_set(rt, sys.ways + 1).stats.aborts_capacity, 1u);
}

TEST(HtmModelCapacity, OtherSetsDoNotCount) {
  HtmModelRuntime rt({{"l1_sets", "64"}, {"l1_ways", "8"}, {"line_bytes", "64"}}, 1);
  Buffer buf(64 * 64 * 8);
  HtmModelRuntime::Thread th(rt, 0);
  th.atomically([&](Tx& tx) {  // 8 lines in every set: the whole modelled L1
    for (size_t line = 0; line < 64 * 8; ++line) tx.store(buf.word(line * 64), int64_t(line));
    for (size_t line = 0; line < 64 * 8; ++line) tx.store(buf.word(line * 64 + 8), int64_t(line));  // same lines
  });
  EXPECT_EQ(th.stats().aborts(), 0u);
  EXPECT_EQ(th.stats().write_set_max, 64u * 8u);
}

TEST(HtmModelCapacity, ReadSetBoundInLines) {
  HtmModelRuntime rt({{"read_lines", "16"}}, 1);
  Buffer buf(64 * 64);
  for (unsigned lines : {16u, 17u}) {
    HtmModelRuntime::Thread th(rt, 0);
    int64_t sum = 0;
    th.atomically([&](Tx& tx) {
      sum = 0;
      for (unsigned i = 0; i < lines; ++i) sum += tx.load(buf.word(i * 64)) + tx.load(buf.word(i * 64 + 8));
    });
    EXPECT_EQ(th.stats().aborts_capacity, lines == 16 ? 0u : 1u) << lines;
    if (lines == 16) {
      EXPECT_EQ(th.stats().read_set_max, 16u);
    }
  }
}

// Thread a holds line x in its transaction and waits (inside it) while
// thread b accesses x; then a touches another line and must find itself
// aborted, and b never aborts: the requester wins.
struct Handoff {
  std::atomic<int> step{0};
  void wait_for(int s) {
    while (step.load() < s) std::this_thread::yield();
  }
};
TM_PURE void signal_and_wait(Handoff* h, int set, int until) {
  h->step.store(set);
  h->wait_for(until);
}

// How the holder keeps x after its access: in its set, released, or (a
// read) released at once (lbtm::load_released: a load and a release).
enum class Hold { kKept, kReleased, kReleasedAtOnce };
void requester_wins(bool holder_writes, bool requester_writes, Hold hold, uint64_t expect_holder_conflicts) {
  HtmModelRuntime rt({}, 2);
  tm_cases::PaddedWord x, y;
  x.v = 1;
  Handoff h;
  std::atomic<uint64_t> attempts{0};
  int64_t requester_saw = 0;
  std::thread holder([&] {
    HtmModelRuntime::Thread th(rt, 0);
    th.atomically([&](Tx& tx) {
      bool first = tm_cases::count_event(&attempts) == 1;
      if (holder_writes) tx.store(&x.v, int64_t(100));
      else if (hold == Hold::kReleasedAtOnce) (void)lbtm::load_released(tx, &x.v);
      else (void)tx.load(&x.v);
      if (hold == Hold::kReleased) tx.release(&x.v, sizeof x.v);
      if (first) signal_and_wait(&h, 1, 2);
      (void)tx.load(&y.v);  // the next access notices a doom
    });
    EXPECT_EQ(th.stats().aborts_conflict, expect_holder_conflicts);
    EXPECT_EQ(th.stats().commits, 1u);
  });
  h.wait_for(1);
  {
    HtmModelRuntime::Thread th(rt, 1);
    th.atomically([&](Tx& tx) {
      if (requester_writes) tx.store(&x.v, int64_t(7));
      else requester_saw = tx.load(&x.v);
    });
    EXPECT_EQ(th.stats().aborts(), 0u);  // the requester wins
  }
  h.step.store(2);
  holder.join();
  if (!requester_writes && holder_writes) {
    EXPECT_EQ(requester_saw, 1);  // never the doomed attempt's write
  }
}

TEST(HtmModelConflicts, WriteToALineAnotherReadAbortsTheReader) { requester_wins(false, true, Hold::kKept, 1); }
TEST(HtmModelConflicts, ReadOfALineAnotherWroteAbortsTheWriter) { requester_wins(true, false, Hold::kKept, 1); }
TEST(HtmModelConflicts, WriteToALineAnotherWroteAbortsTheWriter) { requester_wins(true, true, Hold::kKept, 1); }
TEST(HtmModelConflicts, ReadersShareALine) { requester_wins(false, false, Hold::kKept, 0); }
TEST(HtmModelConflicts, AReleasedLineNoLongerConflicts) { requester_wins(false, true, Hold::kReleased, 0); }
TEST(HtmModelConflicts, ALineReadAndReleasedAtOnceDoesNotConflict) {
  requester_wins(false, true, Hold::kReleasedAtOnce, 0);
}

TEST(HtmModelConflicts, ReleaseCountsLinesNotWords) {
  HtmModelRuntime rt({}, 1);
  Buffer buf(64 * 4);
  HtmModelRuntime::Thread th(rt, 0);
  th.atomically([&](Tx& tx) {
    for (size_t w = 0; w < 32; ++w) (void)tx.load(buf.word(w * 8));  // 4 lines
    tx.release(buf.p, 64 * 4);
  });
  EXPECT_EQ(th.stats().released, 4u);
  EXPECT_EQ(th.stats().read_set_max, 0u);
}

// Lock subscription: no attempt that commits speculatively ever overlaps a
// fallback-lock holder.  The holder forces the fallback with a capacity
// abort and marks its critical section; speculative transactions look at the
// mark (through a pure escape) at their start and end.  subscribe=no shows
// the test catches the bug it is about.
uint64_t overlaps(const char* subscribe) {
  HtmModelRuntime rt({{"l1_sets", "64"}, {"l1_ways", "8"}, {"line_bytes", "64"}, {"subscribe", subscribe}},
                     tm_cases::kThreads);
  Buffer big(64 * 64 * 9);
  tm_cases::PaddedWord counter;
  std::atomic<uint64_t> inside{0}, overlapping{0}, speculative_commits{0}, fallbacks{0};
  auto look = [](std::atomic<uint64_t>* a) TM_PURE { return a->load(); };
  tm_cases::run_threads(rt, tm_cases::kThreads, [&](int id, HtmModelRuntime::Thread& th, std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed)) {
      if (id == 0) {
        th.atomically([&](Tx& tx) {
          for (int i = 0; i < 9; ++i) tx.store(big.word(size_t(i) * 64 * 64), int64_t(i));  // capacity
          if (tx.speculative()) return;
          inside.store(1);
          for (int i = 0; i < 2000; ++i) tx.store(&counter.v, tx.load(&counter.v) + 1);
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          inside.store(0);
        });
        fallbacks.fetch_add(1);
      } else {
        bool saw = false, spec = false;
        th.atomically([&](Tx& tx) {
          spec = tx.speculative();
          saw = look(&inside) != 0;
          tx.store(&counter.v, tx.load(&counter.v) + 1);
          saw = saw || look(&inside) != 0;
        });
        if (spec) speculative_commits.fetch_add(1);
        if (spec && saw) overlapping.fetch_add(1);
      }
    }
  });
  EXPECT_GT(speculative_commits.load(), 0u);
  EXPECT_GT(fallbacks.load(), 0u);
  return overlapping.load();
}

TEST(HtmModelLock, NoSpeculativeCommitOverlapsTheLockHolder) { EXPECT_EQ(overlaps("yes"), 0u); }
TEST(HtmModelLock, WithoutSubscriptionTheyDo) { EXPECT_GT(overlaps("no"), 0u); }

TEST(HtmModelLock, RetriesZeroAlwaysTakesTheLock) {
  HtmModelRuntime rt({{"retries", "0"}}, 1);
  HtmModelRuntime::Thread th(rt, 0);
  tm_cases::PaddedWord w;
  for (int i = 0; i < 3; ++i) th.atomically([&](Tx& tx) { tx.store(&w.v, tx.load(&w.v) + 1); });
  EXPECT_EQ(w.v, 3);
  EXPECT_EQ(th.stats().fallbacks, 3u);
  EXPECT_EQ(th.stats().commits, 3u);
}

// The shared cases, speculative and (with a small L1 and read bound, so
// audits overflow) mixed with fallback-lock transactions.
TEST(HtmModelShared, BankTotalNeverChanges) {
  HtmModelRuntime rt({}, tm_cases::kThreads);
  tm_cases::bank(rt, tm_cases::kThreads);
}
TEST(HtmModelShared, BankWithCapacityFallbacks) {
  HtmModelRuntime rt({{"read_lines", "8"}, {"l1_sets", "4"}, {"l1_ways", "2"}}, tm_cases::kThreads);
  tm_cases::bank(rt, tm_cases::kThreads);
}
TEST(HtmModelShared, OpacityPairNeverSeenTorn) {
  HtmModelRuntime rt({}, tm_cases::kThreads);
  tm_cases::opacity(rt, tm_cases::kThreads);
}
TEST(HtmModelShared, OpacityPairNeverSeenTornThroughReadsReleasedAtOnce) {
  HtmModelRuntime rt({}, tm_cases::kThreads);
  tm_cases::opacity<HtmModelRuntime, true>(rt, tm_cases::kThreads);
}
TEST(HtmModelShared, OpacityWithCapacityFallbacks) {
  HtmModelRuntime rt({{"read_lines", "8"}, {"retries", "2"}}, tm_cases::kThreads);
  tm_cases::opacity(rt, tm_cases::kThreads);
}
TEST(HtmModelShared, RestartUndoesStoresAndAllocations) {
  HtmModelRuntime rt({}, 1);
  tm_cases::restart_undoes_stores_and_allocations(rt);
}
TEST(HtmModelShared, RestartUnderTheLockUndoes) {
  HtmModelRuntime rt({{"retries", "0"}}, 1);
  tm_cases::restart_undoes_stores_and_allocations(rt);
}

TEST(HtmModelOptions, RefusedClearly) {
  EXPECT_THROW(HtmModelRuntime({{"l1_ways", "0"}}, 1), std::invalid_argument);
  EXPECT_THROW(HtmModelRuntime({{"line_bytes", "48"}}, 1), std::invalid_argument);
  EXPECT_THROW(HtmModelRuntime({{"subscribe", "maybe"}}, 1), std::invalid_argument);
  EXPECT_THROW(HtmModelRuntime({{"bogus", "1"}}, 1), std::invalid_argument);
  EXPECT_THROW(HtmModelRuntime({}, HtmModelRuntime::kMaxThreads + 1), std::invalid_argument);
  HtmModelRuntime rt({{"l1_sets", "32"}, {"l1_ways", "4"}, {"capacity", "retry"}}, 1);
  EXPECT_EQ(rt.describe().at("l1_source"), "options");
  EXPECT_EQ(rt.describe().at("capacity"), "retry");
  EXPECT_EQ(rt.describe().at("name"), "htm-model");
}

TEST(HtmModelOptions, ReadsTheL1dFromSysfsLayout) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("lb-l1-" + std::to_string(::getpid()));
  auto put = [&](const std::string& index, const std::string& file, const std::string& v) {
    fs::create_directories(dir / index);
    std::ofstream(dir / index / file) << v << "\n";
  };
  put("index0", "level", "1");
  put("index0", "type", "Instruction");
  put("index0", "number_of_sets", "99");
  put("index0", "ways_of_associativity", "99");
  put("index0", "coherency_line_size", "64");
  put("index1", "level", "1");
  put("index1", "type", "Data");
  put("index1", "number_of_sets", "64");
  put("index1", "ways_of_associativity", "12");
  put("index1", "coherency_line_size", "64");
  lbtm::L1Geometry g = lbtm::read_l1d_geometry(dir.string());
  EXPECT_EQ(g.sets, 64u);
  EXPECT_EQ(g.ways, 12u);
  EXPECT_EQ(g.source, "sysfs");
  EXPECT_EQ(lbtm::read_l1d_geometry((dir / "none").string()).source, lbtm::intel_l1d().source);
  fs::remove_all(dir);
}

}  // namespace
