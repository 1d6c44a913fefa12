#include "labyrinth/generator.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

#include "labyrinth/python2_random.hpp"

namespace lb {

std::string generate_input(const GeneratorSpec& s) {
  if (s.width < 1 || s.height < 1 || s.depth < 1)
    throw std::invalid_argument("dimensions must be at least 1");
  if (s.pairs < 0) throw std::invalid_argument("the number of pairs must not be negative");
  if (s.pairs > 0 && s.width * s.height * s.depth < 2)
    throw std::invalid_argument("a one-cell grid has no pair of distinct points");

  Python2Random rng(s.seed);
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "# Dimensions (x, y, z)\nd  %lld %lld %lld\n\n",
                (long long)s.width, (long long)s.height, (long long)s.depth);
  out += line;
  out += "# Paths: Sources (x, y, z) -> Destinations (x, y, z)\n";
  auto draw = [&] {
    int64_t x = rng.randint(0, s.width - 1);
    int64_t y = rng.randint(0, s.height - 1);
    int64_t z = rng.randint(0, s.depth - 1);
    return std::array<int64_t, 3>{x, y, z};
  };
  for (int64_t i = 0; i < s.pairs; ++i) {
    auto src = draw();
    auto dst = draw();
    while (dst == src) dst = draw();  // STAMP redraws the whole destination
    std::snprintf(line, sizeof line, "p   %3lld %3lld %1lld   %3lld %3lld %1lld\n", (long long)src[0],
                  (long long)src[1], (long long)src[2], (long long)dst[0], (long long)dst[1], (long long)dst[2]);
    out += line;
  }
  return out;
}

std::string stamp_input_name(const GeneratorSpec& s) {
  return "random-x" + std::to_string(s.width) + "-y" + std::to_string(s.height) + "-z" + std::to_string(s.depth) +
         "-n" + std::to_string(s.pairs);
}

}  // namespace lb
