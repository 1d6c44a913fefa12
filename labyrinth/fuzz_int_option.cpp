// libFuzzer target: the numeric command-line options (labyrinth/int_option.hpp
// through CLI11, as labyrinth and labyrinth-gen declare them).  Any bytes as
// an option's value either parse to exactly the number a plain reference
// reading gives (one optional sign, decimal digits, within the range), or are
// refused with a ParseError; never a crash, another exception, or a value
// the reference does not give (a saturated or wrapped one).
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "labyrinth/int_option.hpp"

namespace {

// The reference: digit by digit in 128 bits, giving up past 2^64.
bool reference(const std::string& s, int64_t lo, int64_t hi, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return false;
  __int128 v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
    if (v > ((__int128)1 << 64)) return false;
  }
  if (negative) v = -v;
  if (v < lo || v > hi) return false;
  *out = (int64_t)v;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte picks one of the ranges the real options use.
  static const int64_t ranges[][2] = {{1, 1024}, {0, 1000000}, {1, 1000000}, {0, INT64_MAX}, {1, int64_t{1} << 31}};
  const auto& r = ranges[data[0] % 5];
  std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
  int64_t expected = 0;
  bool ok = reference(value, r[0], r[1], &expected);

  CLI::App app;
  int64_t got = -12345;
  app.add_option("--n", got)->transform(lb::whole_number_in(r[0], r[1]));
  std::vector<std::string> args{"--n=" + value};  // "=": a value that starts with '-' stays a value
  bool parsed = true;
  try {
    app.parse(args);
  } catch (const CLI::ParseError&) {
    parsed = false;
  }
  if (parsed != ok || (ok && got != expected)) std::abort();
  return 0;
}
