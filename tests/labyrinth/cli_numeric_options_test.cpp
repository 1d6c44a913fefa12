// Every numeric option of labyrinth and labyrinth-gen refuses a value out of
// its range or with more than one sign (exit 2, naming the option), instead
// of saturating it (issue 9: --repetition 99999999999999999999 was recorded
// as 9223372036854775807).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/common/run_command.hpp"

namespace {

std::string input() {
  std::string path = ::testing::TempDir() + "/numeric-options-in.txt";
  std::ofstream(path) << "d 8 8 2\np 0 0 0 7 7 1\n";
  return path;
}

TEST(CliNumericOptions, OutOfRangeOrDoubleSignedIsRefused) {
  const std::string in = input();
  for (const char* option : {"-t", "-b", "-x", "-y", "-z", "--repetition"})
    for (const char* value : {"99999999999999999999", "-99999999999999999999", "+-1", "1e3", "0x10", "-1"}) {
      if (std::string(option) == "--repetition" && std::string(value) == "-1") continue;  // a warm-up: below
      auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + in + " " + option + " " + value +
                                    " 2>&1");
      EXPECT_EQ(r.status, 2) << option << " " << value << ": " << r.output;
      EXPECT_EQ(r.output.find("Paths routed"), std::string::npos) << option << " " << value;
      EXPECT_NE(r.output.find(option), std::string::npos) << "the message names the option: " << r.output;
    }
}

TEST(CliNumericOptions, InRangeValuesAreRecordedAsGiven) {
  std::string json = ::testing::TempDir() + "/numeric-options.json";
  auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + input() +
                                " --repetition 9223372036854775807 -t +1 -z 1000000 --json " + json + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream f(json);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"repetition\":9223372036854775807"), std::string::npos) << text;
}

// The harness numbers its warm-ups -1, -2, ... (harness/suite.py): a negative
// repetition is a label like any other, and refusing it failed every warm-up.
TEST(CliNumericOptions, NegativeRepetitionIsAWarmUpLabel) {
  std::string json = ::testing::TempDir() + "/numeric-options-warmup.json";
  auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + input() + " --repetition -1 --json " +
                                json + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream f(json);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"repetition\":-1"), std::string::npos) << text;
}

// CLI11 alone reads a leading 0 as octal: --repetition 010 was recorded as 8.
TEST(CliNumericOptions, LeadingZeroIsDecimal) {
  std::string json = ::testing::TempDir() + "/numeric-options-octal.json";
  auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + input() + " --tm lock --repetition 010 -t 02 -z 010 --json " +
                                json + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream f(json);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"repetition\":10,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"threads\":2,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"z_cost\":10"), std::string::npos) << text;
}

TEST(CliNumericOptions, StmOptionsAreDigitsOnly) {
  for (const char* value : {"+-3", " 20", "-1", "18446744073709551636", "20x"}) {
    auto r = lb_test::run_command(std::string(LB_LABYRINTH_BIN) + " -i " + input() + " --tm stm --tm-opt 'locks_log2=" +
                                  value + "' 2>&1");
    EXPECT_EQ(r.status, 2) << value << ": " << r.output;
    EXPECT_NE(r.output.find("must be an integer in [4, 28]"), std::string::npos) << r.output;
  }
}

TEST(CliNumericOptions, GeneratorRefusesOutOfRange) {
  const std::string gen = LB_LABYRINTH_GEN_BIN;
  for (const std::string args : {"99999999999999999999 8 2 4", "8 +-8 2 4", "8 8 2 -1", "8 8 2 4 --seed 99999999999999999999",
                                 "8 8 2 4 --seed -1"}) {
    auto r = lb_test::run_command(gen + " " + args + " 2>&1 >/dev/null");
    EXPECT_EQ(r.status, 2) << args << ": " << r.output;
  }
  EXPECT_EQ(lb_test::run_command(gen + " 8 8 2 4 --seed 9223372036854775807 >/dev/null").status, 0);
}

}  // namespace
