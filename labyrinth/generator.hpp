// Input generation in STAMP's format.  With seed 0 the output is byte for
// byte what STAMP's generate.py (Python 2, random.seed(0)) wrote.
#pragma once
#include <cstdint>
#include <string>

namespace lb {

struct GeneratorSpec {
  int64_t width = 0, height = 0, depth = 0;  // x, y, z
  int64_t pairs = 0;
  uint64_t seed = 0;
};

// Throws std::invalid_argument for a spec that cannot be generated
// (dimensions below 1, a negative count, pairs in a one-cell grid).
std::string generate_input(const GeneratorSpec& spec);

// STAMP's name for such an input: random-x512-y512-z7-n512.
std::string stamp_input_name(const GeneratorSpec& spec);

}  // namespace lb
