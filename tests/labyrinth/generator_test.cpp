#include <gtest/gtest.h>

#include <regex>

#include "labyrinth/generator.hpp"
#include "labyrinth/maze.hpp"
#include "labyrinth/python2_random.hpp"
#include "stamp_shared.hpp"

namespace {

// Every STAMP input in ../shared, regenerated from its name, byte for byte.
TEST(Generator, ReproducesStampInputsByteForByte) {
  auto dir = lb_test::shared_dir() / "inputs" / "stamp";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " is absent";
  std::regex name(R"(random-x(\d+)-y(\d+)-z(\d+)-n(\d+)\.txt)");
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::smatch m;
    std::string file = entry.path().filename().string();
    if (!std::regex_match(file, m, name)) continue;
    lb::GeneratorSpec spec{std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]), std::stoll(m[4]), 0};
    EXPECT_EQ(lb::stamp_input_name(spec) + ".txt", file);
    EXPECT_EQ(lb::generate_input(spec), lb_test::read_file(entry.path())) << file;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

// Python 2: random.seed(0); random.random() -> 0.8444218515250481
// (the value every Python 2 user of seed 0 has seen).
TEST(Generator, Python2RandomFirstValue) {
  lb::Python2Random r(0);
  EXPECT_DOUBLE_EQ(r.random(), 0.8444218515250481);
}

TEST(Generator, OutputParsesAndSeedsDiffer) {
  lb::GeneratorSpec spec{20, 10, 3, 30, 0};
  std::string a = lb::generate_input(spec);
  lb::Maze m = lb::parse_maze(a, "generated");
  EXPECT_EQ(m.pairs.size(), 30u);
  EXPECT_EQ(m.width, 20);
  for (const lb::Pair& p : m.pairs) EXPECT_FALSE(p.src == p.dst);
  spec.seed = 1;
  EXPECT_NE(lb::generate_input(spec), a);
}

TEST(Generator, RefusesImpossibleSpecs) {
  EXPECT_THROW(lb::generate_input({0, 4, 4, 1, 0}), std::invalid_argument);
  EXPECT_THROW(lb::generate_input({1, 1, 1, 1, 0}), std::invalid_argument);  // no two distinct points
  EXPECT_THROW(lb::generate_input({4, 4, 4, -1, 0}), std::invalid_argument);
  EXPECT_NO_THROW(lb::generate_input({1, 1, 1, 0, 0}));
}

}  // namespace
