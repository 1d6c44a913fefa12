// The HTM model's per-attempt line sets (which cache lines an attempt read,
// which it wrote): open-addressing hash sets of line numbers that an attempt
// empties in time proportional to what it filled, since most attempts touch
// a few hundred lines and a few touch hundreds of thousands.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace lbtm::htm_detail {

class LineSet {
 public:
  LineSet() { slots_.assign(size_t(1) << kMinLog2, kEmpty); }

  size_t size() const { return live_; }

  bool contains(uint64_t line) const {
    size_t mask = slots_.size() - 1;
    for (size_t i = slot(line);; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == line + 1) return true;
      if (s == kEmpty) return false;
    }
  }

  // Returns false if the line was there already.
  bool insert(uint64_t line) {
    size_t mask = slots_.size() - 1, tomb = SIZE_MAX, i = slot(line);
    for (;; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == line + 1) return false;
      if (s == kEmpty) break;
      if (s == kTomb && tomb == SIZE_MAX) tomb = i;
    }
    if (tomb != SIZE_MAX) {
      slots_[tomb] = line + 1;  // already in touched_
      --tombs_;
    } else {
      slots_[i] = line + 1;
      touched_.push_back(uint32_t(i));
    }
    ++live_;
    if (2 * (live_ + tombs_) > slots_.size()) grow();
    return true;
  }

  bool erase(uint64_t line) {
    size_t mask = slots_.size() - 1;
    for (size_t i = slot(line);; i = (i + 1) & mask) {
      uint64_t s = slots_[i];
      if (s == line + 1) {
        slots_[i] = kTomb;
        --live_;
        ++tombs_;
        return true;
      }
      if (s == kEmpty) return false;
    }
  }

  template <class F>  // f(line) for every member
  void for_each(F&& f) const {
    for (uint32_t i : touched_)
      if (slots_[i] != kEmpty && slots_[i] != kTomb) f(slots_[i] - 1);
  }

  void clear() {
    if (4 * touched_.size() < slots_.size())
      for (uint32_t i : touched_) slots_[i] = kEmpty;
    else
      std::fill(slots_.begin(), slots_.end(), kEmpty);
    touched_.clear();
    live_ = tombs_ = 0;
  }

 private:
  static constexpr uint64_t kEmpty = 0, kTomb = ~uint64_t(0);  // members are stored as line + 1
  static constexpr unsigned kMinLog2 = 8;

  size_t slot(uint64_t line) const { return size_t((line * 0x9E3779B97F4A7C15ull) >> (64 - log2_)); }

  void grow() {
    std::vector<uint64_t> old;
    old.swap(slots_);
    std::vector<uint32_t> old_touched;
    old_touched.swap(touched_);
    ++log2_;
    slots_.assign(size_t(1) << log2_, kEmpty);
    live_ = tombs_ = 0;
    for (uint32_t i : old_touched)
      if (old[i] != kEmpty && old[i] != kTomb) insert(old[i] - 1);
  }

  std::vector<uint64_t> slots_;
  std::vector<uint32_t> touched_;  // slots filled from empty since the last clear
  unsigned log2_ = kMinLog2;
  size_t live_ = 0, tombs_ = 0;
};

}  // namespace lbtm::htm_detail
