// MT19937 (Matsumoto & Nishimura, 2002 reference algorithm) with Python 2's
// seeding and random(); see python2_random.hpp.
#include "labyrinth/python2_random.hpp"

#include <algorithm>
#include <cstddef>

namespace lb {

Python2Random::Python2Random(uint64_t seed) {
  std::vector<uint32_t> key;
  do {
    key.push_back((uint32_t)seed);
    seed >>= 32;
  } while (seed != 0);
  init_by_array(key);
}

void Python2Random::init_genrand(uint32_t s) {
  mt_[0] = s;
  for (int i = 1; i < kN; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + (uint32_t)i;
  mti_ = kN;
}

void Python2Random::init_by_array(const std::vector<uint32_t>& key) {
  init_genrand(19650218u);
  int i = 1;
  size_t j = 0;
  for (size_t k = std::max<size_t>(kN, key.size()); k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
    if (++i >= kN) { mt_[0] = mt_[kN - 1]; i = 1; }
    if (++j >= key.size()) j = 0;
  }
  for (int k = kN - 1; k > 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
    if (++i >= kN) { mt_[0] = mt_[kN - 1]; i = 1; }
  }
  mt_[0] = 0x80000000u;  // non-zero initial state
}

uint32_t Python2Random::next_u32() {
  static constexpr uint32_t kMag01[2] = {0u, 0x9908b0dfu};
  constexpr uint32_t kUpper = 0x80000000u, kLower = 0x7fffffffu;
  if (mti_ >= kN) {
    int k = 0;
    for (; k < kN - kM; ++k) {
      uint32_t y = (mt_[k] & kUpper) | (mt_[k + 1] & kLower);
      mt_[k] = mt_[k + kM] ^ (y >> 1) ^ kMag01[y & 1u];
    }
    for (; k < kN - 1; ++k) {
      uint32_t y = (mt_[k] & kUpper) | (mt_[k + 1] & kLower);
      mt_[k] = mt_[k + (kM - kN)] ^ (y >> 1) ^ kMag01[y & 1u];
    }
    uint32_t y = (mt_[kN - 1] & kUpper) | (mt_[0] & kLower);
    mt_[kN - 1] = mt_[kM - 1] ^ (y >> 1) ^ kMag01[y & 1u];
    mti_ = 0;
  }
  uint32_t y = mt_[mti_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  return y;
}

double Python2Random::random() {
  uint32_t a = next_u32() >> 5, b = next_u32() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

}  // namespace lb
