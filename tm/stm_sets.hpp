// The STM's per-transaction sets: which words it read (to validate them) and
// which it wrote (buffered until commit).  Both are open-addressing hash
// tables keyed by word address, so that
//  - a word read twice is one read-set entry,
//  - early release of a byte range costs O(words in the range), never a scan
//    of the read set (Labyrinth's `released` shape reads the whole grid,
//    millions of words, and releases it a cache line at a time),
//  - a load finds its own earlier store in O(1) (read-after-write).
// Slots are placed so that the eight words of one cache line land in eight
// neighbouring slots: reading memory sequentially touches the table
// sequentially too.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace lbtm::stm_detail {

// Fibonacci hashing of the cache line, the word within the line kept as the
// low three bits of the slot.
inline size_t line_slot(uintptr_t addr, unsigned log2_cap) {
  uint64_t h = (uint64_t(addr) >> 6) * 0x9E3779B97F4A7C15ull;
  return size_t(((h >> (64 - (log2_cap - 3))) << 3) | ((addr >> 3) & 7));
}

// A set of word addresses with erase by range.  Erased slots become
// tombstones; the table grows when live entries and tombstones no longer fit.
// It keeps its capacity from one attempt to the next (Labyrinth's routing
// transactions read the whole grid every time: regrowing it through a dozen
// rehashes per transaction cost more than the reads), and shrinks only after
// a run of attempts that needed far less.  Clearing after a small attempt
// zeroes just the slots it used, so a big table costs small transactions
// nothing; only a validation scan still walks the whole table.
class ReadSet {
 public:
  ReadSet() { rebuild(kMinLog2); }

  size_t size() const { return live_; }

  // Forget everything (see the class comment for the capacity).
  void clear() {
    if (ntouched_ <= kTouchedMax) {
      for (size_t k = 0; k < ntouched_; ++k) slots_[touched_[k]] = kEmpty;
    } else {
      std::memset(slots_.get(), 0, cap() * sizeof(uintptr_t));
    }
    small_streak_ = (log2_ > kMinLog2 && 16 * peak_ < cap()) ? small_streak_ + 1 : 0;
    live_ = tombs_ = peak_ = ntouched_ = 0;
    if (small_streak_ >= kShrinkAfter) {
      small_streak_ = 0;
      rebuild(kMinLog2);
    }
  }

  void insert(uintptr_t a) {
    size_t mask = cap() - 1;
    size_t i = line_slot(a, log2_), tomb = SIZE_MAX;
    for (;; i = (i + 1) & mask) {
      uintptr_t s = slots_[i];
      if (s == a) return;
      if (s == kEmpty) break;
      if (s == kTomb && tomb == SIZE_MAX) tomb = i;
    }
    if (tomb != SIZE_MAX) {
      slots_[tomb] = a;  // a tombstone of this attempt: already touched
      --tombs_;
    } else {
      slots_[i] = a;
      if (ntouched_ < kTouchedMax) touched_[ntouched_] = uint32_t(i);
      ++ntouched_;
    }
    ++live_;
    peak_ = std::max(peak_, live_);
    if (2 * (live_ + tombs_) > cap()) resize_for(live_);
  }

  // Drop every entry in [lo, hi); returns how many were dropped.
  size_t erase_range(uintptr_t lo, uintptr_t hi) {
    if (live_ == 0 || hi <= lo) return 0;
    size_t before = live_;
    uintptr_t first = lo & ~uintptr_t(7);
    if ((hi - first) / 8 <= cap()) {
      for (uintptr_t a = first; a < hi; a += 8) erase(a);
    } else {  // a range larger than the table: scanning the table is cheaper
      for (size_t i = 0; i < cap(); ++i) {
        uintptr_t s = slots_[i];
        if (s > kTomb && s >= first && s < hi) {
          slots_[i] = kTomb;
          --live_;
          ++tombs_;
        }
      }
    }
    return before - live_;
  }

  template <class F>  // f(addr) -> bool; stops at the first false
  bool all_of(F&& f) const {
    for (size_t i = 0, n = cap(); i < n; ++i) {
      uintptr_t s = slots_[i];
      if (s > kTomb && !f(s)) return false;
    }
    return true;
  }

 private:
  static constexpr uintptr_t kEmpty = 0, kTomb = 1;  // word addresses are multiples of 8
  static constexpr unsigned kMinLog2 = 8;
  static constexpr size_t kTouchedMax = 64;    // slots remembered for a cheap clear
  static constexpr unsigned kShrinkAfter = 16;  // small attempts before shrinking
  size_t cap() const { return size_t(1) << log2_; }

  void erase(uintptr_t a) {
    size_t mask = cap() - 1;
    for (size_t i = line_slot(a, log2_);; i = (i + 1) & mask) {
      uintptr_t s = slots_[i];
      if (s == a) {
        slots_[i] = kTomb;
        --live_;
        ++tombs_;
        return;
      }
      if (s == kEmpty) return;
    }
  }

  void resize_for(size_t n) {  // room for n entries at load <= 1/4 after the rebuild
    ntouched_ = kTouchedMax + 1;  // slots moved: the next clear zeroes the table
    unsigned lg = kMinLog2;
    while ((size_t(1) << lg) < 4 * n) ++lg;
    std::unique_ptr<uintptr_t[]> old = std::move(slots_);
    size_t old_cap = cap();
    rebuild(lg);
    for (size_t i = 0; i < old_cap; ++i)
      if (old[i] > kTomb) insert_fresh(old[i]);
  }
  void rebuild(unsigned lg) {
    log2_ = lg;
    slots_.reset(new uintptr_t[cap()]());
    live_ = tombs_ = 0;
  }
  void insert_fresh(uintptr_t a) {
    size_t mask = cap() - 1;
    size_t i = line_slot(a, log2_);
    while (slots_[i] != kEmpty) i = (i + 1) & mask;
    slots_[i] = a;
    ++live_;
  }

  std::unique_ptr<uintptr_t[]> slots_;
  unsigned log2_ = 0;
  size_t live_ = 0, tombs_ = 0;
  size_t peak_ = 0;          // most live entries in this attempt
  size_t ntouched_ = 0;      // slots filled from empty in this attempt (> kTouchedMax: too many to list)
  uint32_t touched_[kTouchedMax];
  unsigned small_streak_ = 0;  // consecutive attempts that needed < 1/16 of the table
};

// Buffered writes: entries in program order (written back in that order at
// commit) and an index from address to entry.  A 64-bit Bloom filter lets
// loads of words never written skip the index.
class WriteSet {
 public:
  struct Entry {
    uintptr_t addr;
    uintptr_t value;
  };

  WriteSet() { index_.assign(size_t(1) << kMinLog2, 0); }

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const Entry* begin() const { return entries_.data(); }
  const Entry* end() const { return entries_.data() + entries_.size(); }

  void clear() {
    if (entries_.empty()) return;
    if (index_.size() > (size_t(1) << kMinLog2) && entries_.size() * 64 < index_.size())
      index_.assign(size_t(1) << kMinLog2, 0), log2_ = kMinLog2;  // a huge attempt shrinks back
    else
      std::fill(index_.begin(), index_.end(), 0);
    entries_.clear();
    bloom_ = 0;
  }

  const Entry* find(uintptr_t a) const {
    if ((bloom_ & bloom_bit(a)) == 0) return nullptr;
    size_t mask = index_.size() - 1;
    for (size_t i = line_slot(a, log2_);; i = (i + 1) & mask) {
      uint32_t k = index_[i];
      if (k == 0) return nullptr;
      if (entries_[k - 1].addr == a) return &entries_[k - 1];
    }
  }

  void put(uintptr_t a, uintptr_t v) {
    size_t mask = index_.size() - 1;
    size_t i = line_slot(a, log2_);
    if (bloom_ & bloom_bit(a)) {
      for (;; i = (i + 1) & mask) {
        uint32_t k = index_[i];
        if (k == 0) break;
        if (entries_[k - 1].addr == a) {
          entries_[k - 1].value = v;
          return;
        }
      }
    } else {
      while (index_[i] != 0) i = (i + 1) & mask;
    }
    bloom_ |= bloom_bit(a);
    entries_.push_back({a, v});
    index_[i] = uint32_t(entries_.size());
    if (2 * entries_.size() > index_.size()) grow();
  }

 private:
  static constexpr unsigned kMinLog2 = 6;
  static uint64_t bloom_bit(uintptr_t a) { return uint64_t(1) << ((a >> 3) & 63); }

  void grow() {
    ++log2_;
    index_.assign(size_t(1) << log2_, 0);
    size_t mask = index_.size() - 1;
    for (size_t k = 0; k < entries_.size(); ++k) {
      size_t i = line_slot(entries_[k].addr, log2_);
      while (index_[i] != 0) i = (i + 1) & mask;
      index_[i] = uint32_t(k + 1);
    }
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;  // 0 = empty, else entry number + 1
  unsigned log2_ = kMinLog2;
  uint64_t bloom_ = 0;
};

}  // namespace lbtm::stm_detail
