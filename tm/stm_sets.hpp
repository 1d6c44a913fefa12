// The STM's per-transaction sets: which words it read (to validate them) and
// which it wrote (buffered until commit).
//  - The read set is a log, one entry per read (ReadLog): the cheapest thing
//    to append to, which is what every transactional load does.  Early
//    release finds a range's entries without searching the log (see ReadLog).
//  - The write set is an open-addressing hash table keyed by word address
//    with a Bloom filter in front, so that a load finds its own earlier
//    store in O(1) and a load of a word never written skips the table.
// Hash slots are placed so that the eight words of one cache line land in
// eight neighbouring slots: touching memory sequentially touches the table
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

// The read set: a log with one entry (the word's address) per transactional
// read, appended in program order, as TL2 and TinySTM keep theirs.  A read
// costs one store and a capacity check; a word read again is logged again
// (validating it twice is harmless).  The log keeps its capacity from one
// attempt to the next, so clearing it is O(1).
//
// Early release marks entries released (the low bit of the address, which
// is 8-aligned) so that validation skips them, and trims released entries
// from both ends of the log.  Three ways to find a range's entries:
//  - while the live entries are in strictly increasing address order (a
//    sequential copy, as Labyrinth's grid copy), a range's entries are
//    contiguous: releasing what was just read trims the tail (so a log
//    released as it is read never grows), releasing what was read first
//    advances the front (STAMP's order: read the grid, then release it a
//    line at a time), and anything else is a binary search;
//  - otherwise a hash index from address to entry, built the first time it
//    is needed in an attempt and brought up to date at each later release
//    (building it also drops duplicate entries);
//  - a range with more words than the log has entries scans the log.
// So any release costs O(words released) (amortised), never a search of the log.
class ReadLog {
 public:
  ReadLog() : log_(new uintptr_t[kMinCap]), cap_(kMinCap) {}

  // Entries still to validate: reads logged, minus released and duplicate ones.
  size_t size() const { return n_ - front_ - tagged_; }
  // Entries held, released ones between live ones included (what the log's
  // memory holds; for tests of the trimming).
  size_t held() const { return n_ - front_; }

  void clear() {
    n_ = front_ = tagged_ = sorted_to_ = 0;
    unsorted_ = false;
    if (index_.used) index_.reset();
  }

  void push(uintptr_t a) {
    if (__builtin_expect(n_ == cap_, 0)) grow();
    log_[n_++] = a;
  }

  // Release every word that overlaps [lo, hi); returns how many entries were
  // released (a word logged twice and not deduplicated counts twice).
  size_t erase_range(uintptr_t lo, uintptr_t hi) {
    // What was just read, released as read (a line at a time: the released
    // grid copy; a word at a time: Lee-TM's wave): the whole log is exactly
    // the words of [lo, hi), in order, so nothing else can hold them and the
    // log empties.  Inlined into the caller, where the range's size is
    // usually a constant: a compare of the size, one per word, four stores.
    if (const size_t k = (hi - lo) / 8; ((lo | (hi - lo)) & 7) == 0 && k - 1 < kExactMax && n_ - front_ == k &&
                                        exact_at(front_, lo, k))
      return empty_out(k);
    if (hi <= lo || n_ == front_) return 0;
    lo &= ~uintptr_t(7);
    if (size_t k = words_in(lo, hi); k <= kExactMax && k <= n_ - front_) {
      if (tail_is(lo, k)) return pop_tail(k);
      if (front_is(lo, k)) return pop_front(k);
    }
    return erase_range_slow(lo, hi);
  }
  // The general case (see the class comment).
  __attribute__((noinline)) size_t erase_range_slow(uintptr_t lo, uintptr_t hi) {
    size_t released = track_order() ? erase_sorted(lo, hi) : erase_unsorted(lo, hi);
    tagged_ += released;
    trim();
    return released;
  }

  template <class F>  // f(addr) -> bool; stops at the first false
  bool all_of(F&& f) const {
    for (size_t i = front_; i < n_; ++i) {
      uintptr_t a = log_[i];
      if ((a & kTag) == 0 && !f(a)) return false;
    }
    return true;
  }

 private:
  static constexpr uintptr_t kTag = 1;  // released (or duplicate) entry
  static constexpr size_t kMinCap = 256;
  static uintptr_t addr(uintptr_t e) { return e & ~kTag; }
  // Words overlapping [lo, hi), lo 8-aligned (no overflow at the top of memory).
  static size_t words_in(uintptr_t lo, uintptr_t hi) { return (hi - lo) / 8 + ((hi - lo) % 8 != 0); }

  void grow() {
    std::unique_ptr<uintptr_t[]> bigger(new uintptr_t[2 * cap_]);
    std::memcpy(bigger.get(), log_.get(), n_ * sizeof(uintptr_t));
    log_ = std::move(bigger);
    cap_ *= 2;
  }

  // The fast paths: the k entries from i are exactly the k words from lo,
  // in order, and no other entry of the log can hold them because the log
  // is in increasing order around them.  Releasing a line just read (the
  // tail) or the first line read (the front) is then a compare per word
  // and a move of one end; the order of the rest is checked once, not per
  // release.
  static constexpr size_t kExactMax = 16;
  bool exact_at(size_t i, uintptr_t lo, size_t k) const {
    const uintptr_t* b = log_.get() + i;
    if (b[0] != lo) return false;  // the common miss: one compare
    uintptr_t diff = 0;
    if (k == 8) {  // a cache line, the usual release: unrolled
      for (size_t w = 1; w < 8; ++w) diff |= b[w] ^ (lo + 8 * w);
    } else {
      for (size_t w = 1; w < k; ++w) diff |= b[w] ^ (lo + 8 * w);  // no early exit
    }
    return diff == 0;
  }
  bool tail_is(uintptr_t lo, size_t k) {
    size_t i = n_ - k;
    if (!exact_at(i, lo, k)) return false;
    if (i > front_ && !(ordered_upto(i) && addr(log_[i - 1]) < lo)) return false;
    sorted_to_ = n_;
    return true;
  }
  bool front_is(uintptr_t lo, size_t k) { return exact_at(front_, lo, k) && ordered_upto(n_); }
  // Every live entry released, none was tagged (exact_at matched them
  // untagged, so tagged_ is 0): start again at the beginning, in order.
  size_t empty_out(size_t k) {
    n_ = front_ = sorted_to_ = 0;
    unsorted_ = false;
    if (index_.used) index_.indexed_to = 0;
    return k;
  }
  size_t pop_tail(size_t k) {
    n_ -= k;
    trim();
    return k;
  }
  size_t pop_front(size_t k) {
    front_ += k;
    trim();
    return k;
  }

  // Are the live entries in strictly increasing address order?
  bool track_order() { return ordered_upto(n_); }
  // ... those before `end`?  Checks only entries not checked before
  // (amortised O(1) per read).
  bool ordered_upto(size_t end) {
    if (unsorted_) return false;
    size_t i = std::max(sorted_to_, front_ + 1);
    if (i < end) {
      // Entries appended since the last check carry no tag (only a release
      // tags, and it checks first); the one before them may.  Addresses are
      // below 2^63, so b[i] - b[i-1] - 1 has its top bit set exactly when
      // b[i] <= b[i-1]: no early exit, no compare, the loop vectorises.
      const uintptr_t* b = log_.get();
      uintptr_t acc = b[i] - addr(b[i - 1]) - 1;
      for (++i; i < end; ++i) acc |= b[i] - b[i - 1] - 1;
      if (acc >> 63) {
        unsorted_ = true;  // for the rest of the attempt (or until the log empties)
        return false;
      }
    }
    sorted_to_ = std::max(sorted_to_, end);
    return true;
  }

  size_t tag_live(size_t i, size_t j) {
    size_t k = 0;
    for (; i < j; ++i)
      if ((log_[i] & kTag) == 0) {
        log_[i] |= kTag;
        ++k;
      }
    return k;
  }

  size_t erase_sorted(uintptr_t lo, uintptr_t hi) {
    const uintptr_t* b = log_.get();
    auto below = [](uintptr_t e, uintptr_t x) { return addr(e) < x; };
    if (addr(b[n_ - 1]) < lo || addr(b[front_]) >= hi) return 0;
    // At most `words` entries lie in the range (distinct, 8-aligned).
    size_t words = words_in(lo, hi);
    size_t i = addr(b[front_]) >= lo ? front_  // what was read first
               : n_ - front_ > words && addr(b[n_ - words - 1]) < lo
                   ? size_t(std::lower_bound(b + n_ - words, b + n_, lo, below) - b)  // what was just read
                   : size_t(std::lower_bound(b + front_, b + n_, lo, below) - b);
    size_t last = std::min(n_, i + words);
    size_t j = size_t(std::lower_bound(b + i, b + last, hi, below) - b);
    return tag_live(i, j);
  }

  size_t erase_unsorted(uintptr_t lo, uintptr_t hi) {
    if ((hi - lo) / 8 >= size()) {  // a range wider than the log: scan the log
      size_t k = 0;
      for (size_t i = front_; i < n_; ++i)
        if ((log_[i] & kTag) == 0 && log_[i] >= lo && log_[i] < hi) {
          log_[i] |= kTag;
          ++k;
        }
      return k;
    }
    index_up_to_date();
    size_t k = 0;
    for (uintptr_t a = lo; a < hi; a += 8) {
      size_t i = index_.find(a);
      if (i != Index::kNone && i >= front_ && i < n_ && log_[i] == a) {
        log_[i] |= kTag;
        ++k;
      }
    }
    return k;
  }

  // Index the entries appended since the last release; a live duplicate of
  // an indexed live entry is dropped (tagged) instead.
  void index_up_to_date() {
    if (!index_.used) {
      index_.used = true;
      index_.indexed_to = front_;
    }
    for (size_t i = std::max(index_.indexed_to, front_); i < n_; ++i) {
      uintptr_t a = log_[i];
      if (a & kTag) continue;
      size_t& slot = index_.slot_for(a);
      if (slot != Index::kNone && slot != i && slot >= front_ && slot < n_ && log_[slot] == a) {
        log_[i] |= kTag;  // the same word is already validated once
        ++tagged_;
      } else {
        slot = i;
      }
    }
    index_.indexed_to = n_;
  }

  // Drop released entries at both ends.
  void trim() {
    while (n_ > front_ && (log_[n_ - 1] & kTag)) --n_, --tagged_;
    while (front_ < n_ && (log_[front_] & kTag)) ++front_, --tagged_;
    if (front_ == n_) {  // empty: start again at the beginning, in order
      n_ = front_ = 0;
      unsorted_ = false;
    }
    sorted_to_ = std::min(sorted_to_, n_);
    if (index_.used) index_.indexed_to = std::min(index_.indexed_to, n_);
  }

  // Address -> log position, open addressing, no erase: an entry whose log
  // slot no longer holds that address is stale and ignored.
  struct Index {
    static constexpr size_t kNone = SIZE_MAX;
    struct Slot {
      uintptr_t addr;
      size_t pos;
    };
    std::vector<Slot> slots;
    size_t count = 0;
    unsigned log2 = 0;
    bool used = false;
    size_t indexed_to = 0;

    void reset() {
      slots.clear();
      count = 0;
      used = false;
      indexed_to = 0;
    }
    size_t find(uintptr_t a) const {
      if (slots.empty()) return kNone;
      size_t mask = slots.size() - 1;
      for (size_t i = line_slot(a, log2);; i = (i + 1) & mask) {
        if (slots[i].addr == a) return slots[i].pos;
        if (slots[i].addr == 0) return kNone;
      }
    }
    size_t& slot_for(uintptr_t a) {  // inserts a (with pos kNone) if absent
      if (2 * (count + 1) > slots.size()) rehash();
      size_t mask = slots.size() - 1;
      size_t i = line_slot(a, log2);
      for (; slots[i].addr != 0; i = (i + 1) & mask)
        if (slots[i].addr == a) return slots[i].pos;
      ++count;
      slots[i] = {a, kNone};
      return slots[i].pos;
    }
    void rehash() {
      std::vector<Slot> old = std::move(slots);
      log2 = old.empty() ? 8 : log2 + 1;
      slots.assign(size_t(1) << log2, Slot{0, kNone});
      size_t mask = slots.size() - 1;
      for (const Slot& s : old) {
        if (s.addr == 0) continue;
        size_t i = line_slot(s.addr, log2);
        while (slots[i].addr != 0) i = (i + 1) & mask;
        slots[i] = s;
      }
    }
  };

  std::unique_ptr<uintptr_t[]> log_;
  size_t cap_;
  size_t n_ = 0;           // entries appended (the log is log_[front_, n_))
  size_t front_ = 0;       // entries before it are all released
  size_t tagged_ = 0;      // released or duplicate entries in [front_, n_)
  size_t sorted_to_ = 0;   // [front_, sorted_to_) checked to be increasing
  bool unsorted_ = false;  // some live entries are out of order in this attempt
  Index index_;
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

  // Nothing written yet (a load and a test: the grid copy's case), else a
  // shift and a test (x86 masks the shift count to 6 bits itself).
  bool may_contain(uintptr_t a) const { return bloom_ != 0 && ((bloom_ >> ((a >> 3) & 63)) & 1); }
  const Entry* find(uintptr_t a) const {
    if (!may_contain(a)) return nullptr;
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
