// Python 2's `random` module, as far as STAMP's input generator used it:
// MT19937 seeded by init_by_array (what random.seed(int) does), random()
// as the 53-bit double of two outputs, and randint(a, b).
//
// Hand-written rather than std::mt19937: the standard engine offers no
// init_by_array seeding, and byte-identical inputs depend on it.
#pragma once
#include <cstdint>
#include <vector>

namespace lb {

class Python2Random {
 public:
  // random.seed(n) for an integer n: the key is |n| in 32-bit words, least
  // significant first ([0] for 0).
  explicit Python2Random(uint64_t seed);
  uint32_t next_u32();
  double random();                          // [0, 1), 53 bits
  int64_t randint(int64_t a, int64_t b) {   // a + int(random() * (b - a + 1))
    return a + (int64_t)(random() * (double)(b - a + 1));
  }

 private:
  static constexpr int kN = 624, kM = 397;
  void init_genrand(uint32_t s);
  void init_by_array(const std::vector<uint32_t>& key);
  uint32_t mt_[kN];
  int mti_ = kN + 1;
};

}  // namespace lb
