// The STM's read log (tm/stm_sets.hpp) against a plain model: whatever order
// words are read and released in, the log validates exactly the words read
// and not released since, and every pattern stays linear.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "tm/stm_sets.hpp"

namespace {

using lbtm::stm_detail::ReadLog;

constexpr uintptr_t kBase = 0x100000;  // word addresses: kBase + 8 * i
uintptr_t word(size_t i) { return kBase + 8 * i; }

std::set<uintptr_t> validated(const ReadLog& log) {
  std::set<uintptr_t> s;
  log.all_of([&](uintptr_t a) {
    s.insert(a);
    return true;
  });
  return s;
}

// Model: how many times each word was read since it was last released.
struct Model {
  std::map<uintptr_t, size_t> reads;
  void read(uintptr_t a) { ++reads[a]; }
  size_t release(uintptr_t lo, uintptr_t hi) {  // returns the most entries that may go
    size_t n = 0;
    lo &= ~uintptr_t(7);
    for (auto it = reads.lower_bound(lo); it != reads.end() && it->first < hi;) {
      n += it->second;
      it = reads.erase(it);
    }
    return n;
  }
  std::set<uintptr_t> words() const {
    std::set<uintptr_t> s;
    for (auto& [a, n] : reads) s.insert(a);
    return s;
  }
  size_t entries() const {
    size_t n = 0;
    for (auto& [a, k] : reads) n += k;
    return n;
  }
};

void check_same(const ReadLog& log, const Model& m) {
  ASSERT_EQ(validated(log), m.words());
  ASSERT_GE(log.size(), m.words().size());  // duplicates may stay...
  ASSERT_LE(log.size(), m.entries());       // ...but nothing released does
}

TEST(StmReadLog, LogsEveryRead) {
  ReadLog log;
  for (int rep = 0; rep < 3; ++rep)
    for (size_t i = 0; i < 10; ++i) log.push(word(i));
  EXPECT_EQ(log.size(), 30u);
  EXPECT_EQ(validated(log).size(), 10u);
  log.clear();
  EXPECT_EQ(log.size(), 0u);
  EXPECT_TRUE(validated(log).empty());
}

// STAMP's order: the whole grid read, then released a line at a time from
// the front; and the same released from the back, and in random line order.
TEST(StmReadLog, ReleasingTheGridInAnyLineOrderEmptiesIt) {
  constexpr size_t kWords = 64 * 1024;
  for (int order = 0; order < 3; ++order) {
    ReadLog log;
    for (size_t i = 0; i < kWords; ++i) log.push(word(i));
    std::vector<size_t> lines(kWords / 8);
    for (size_t l = 0; l < lines.size(); ++l) lines[l] = l;
    if (order == 1) std::reverse(lines.begin(), lines.end());
    if (order == 2) std::shuffle(lines.begin(), lines.end(), std::mt19937(7));
    size_t released = 0;
    for (size_t l : lines) released += log.erase_range(word(8 * l), word(8 * l + 8));
    EXPECT_EQ(released, kWords) << "order " << order;
    EXPECT_EQ(log.size(), 0u) << "order " << order;
    EXPECT_EQ(log.held(), 0u) << "order " << order;  // trimmed away, not just marked
  }
}

// "Release what was just read", a line at a time: the log never holds more
// than one line, however much is read.
TEST(StmReadLog, ReleasingWhatWasJustReadKeepsTheLogShort) {
  ReadLog log;
  size_t most = 0, released = 0;
  for (size_t line = 0; line < 4096; ++line) {
    for (size_t k = 0; k < 8; ++k) log.push(word(8 * line + k));
    most = std::max(most, log.held());
    released += log.erase_range(word(8 * line), word(8 * line + 8));
  }
  EXPECT_EQ(most, 8u);
  EXPECT_EQ(released, 4096u * 8);
  EXPECT_EQ(log.held(), 0u);
}

// The released grid copy (labyrinth/router.hpp, copy_releasing): rows of a
// width that is no multiple of a line, so lines span two rows; each line
// released once its last word is read, the partial last line at the end.
// With a word read twice in a line, and after a word kept from before, the
// log still validates exactly what the model holds.
TEST(StmReadLog, ReleasingLinesAsReadAcrossRows) {
  constexpr size_t kWidth = 13, kRows = 50, kWords = kWidth * kRows;  // 650 words: 81 lines and 2 words
  for (int variant = 0; variant < 3; ++variant) {
    ReadLog log;
    Model m;
    const uintptr_t kept = word(kWords + 100);
    if (variant == 2) {  // a word read before the copy and never released
      log.push(kept);
      m.read(kept);
    }
    size_t released = 0, most = 0;
    for (size_t i = 0; i < kWords; ++i) {
      log.push(word(i));
      m.read(word(i));
      if (variant >= 1 && i % 37 == 0) {  // read again (a duplicate entry)
        log.push(word(i));
        m.read(word(i));
      }
      most = std::max(most, log.held());
      if ((i + 1) % 8 == 0) {  // a duplicate may have been dropped before (and not count)
        size_t most_entries = m.release(word(i - 7), word(i + 1)), got = log.erase_range(word(i - 7), word(i + 1));
        EXPECT_LE(got, most_entries) << i;
        EXPECT_GE(got, 8u) << i;
        released += got;
      }
      check_same(log, m);
      if (HasFatalFailure()) return;
    }
    released += log.erase_range(word(kWords - kWords % 8), word(kWords));
    m.release(word(kWords - kWords % 8), word(kWords));
    check_same(log, m);
    EXPECT_GE(released, kWords) << "variant " << variant;
    EXPECT_LE(released, kWords + (variant >= 1 ? (kWords + 36) / 37 : 0)) << "variant " << variant;
    EXPECT_LE(most, variant == 0 ? 8u : 10u) << "variant " << variant;  // never more than a line (and its repeats)
    EXPECT_EQ(log.size(), variant == 2 ? 1u : 0u) << "variant " << variant;
  }
}

// A release inside what was read (a hole), part of a word, and a range
// wider than the log.
TEST(StmReadLog, PartialAndWideReleases) {
  ReadLog log;
  for (size_t i = 0; i < 100; ++i) log.push(word(i));
  EXPECT_EQ(log.erase_range(word(10), word(50)), 40u);
  EXPECT_EQ(log.erase_range(word(90) + 5, word(90) + 6), 1u);  // part of word 90 releases it
  EXPECT_EQ(log.erase_range(word(10), word(50)), 0u);           // released already
  EXPECT_EQ(log.size(), 59u);
  EXPECT_EQ(log.erase_range(0, UINTPTR_MAX), 59u);
  EXPECT_EQ(log.size(), 0u);
}

// Words read out of order and more than once (the index path), with
// releases of every size at random, against the model.
TEST(StmReadLog, RandomReadsAndReleasesMatchTheModel) {
  std::mt19937 rng(12345);
  for (int attempt = 0; attempt < 40; ++attempt) {
    ReadLog log;  // and one log reused across attempts, below
    static ReadLog reused;
    reused.clear();
    Model m;
    size_t span = 16 + rng() % 2000;
    for (int step = 0; step < 600; ++step) {
      unsigned what = rng() % 10;
      if (what < 3) {  // a run of sequential reads
        size_t at = rng() % span, n = 1 + rng() % 40;
        for (size_t k = 0; k < n; ++k) {
          log.push(word(at + k));
          reused.push(word(at + k));
          m.read(word(at + k));
        }
      } else if (what < 6) {  // scattered reads, with repeats
        size_t at = rng() % span;
        log.push(word(at));
        reused.push(word(at));
        m.read(word(at));
      } else {  // a release: a line, a few words, a byte range, or a wide range
        size_t at = rng() % span, n = what == 9 ? rng() % (2 * span) : 1 + rng() % 16;
        uintptr_t lo = word(at) + (rng() % 3 == 0 ? rng() % 8 : 0), hi = lo + 8 * n - rng() % 8;
        size_t most = m.release(lo, hi);
        size_t got = log.erase_range(lo, hi);
        EXPECT_LE(got, most);
        EXPECT_EQ(got == 0, most == 0);
        reused.erase_range(lo, hi);
      }
      check_same(log, m);
      check_same(reused, m);
      if (HasFatalFailure()) return;
    }
  }
}

// Releasing single words in random order from a log read in random order
// stays fast (the index, not a search per release); bounded by the ctest
// timeout rather than a timer, as a quadratic search would take minutes.
TEST(StmReadLog, ScatteredReleasesOfScatteredReadsAreLinear) {
  constexpr size_t kWords = 1 << 20;
  std::vector<size_t> order(kWords);
  for (size_t i = 0; i < kWords; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  ReadLog log;
  for (size_t i : order) log.push(word(i));
  std::shuffle(order.begin(), order.end(), std::mt19937(4));
  size_t released = 0;
  for (size_t i : order) released += log.erase_range(word(i), word(i) + 8);
  EXPECT_EQ(released, kWords);
  EXPECT_EQ(log.size(), 0u);
}

}  // namespace
