// One definition of "a whole number" for everything labyrinth reads: the
// input's tokens and the numeric command-line options.  Decimal digits with
// at most one sign character in front ("+3", "-3", "3"; never "+-3", "--3",
// "+", " 3", "3 ", "0x3", "3e2"), within int64_t.  std::from_chars does the
// conversion and detects overflow; the sign rule is ours (from_chars takes no
// '+', and stripping one '+' before it let "+-3" through as -3).
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace lb {

enum class WholeNumber { kOk, kNotANumber, kOutOfRange };

inline WholeNumber parse_whole_number(std::string_view token, int64_t* value) {
  size_t i = 0;
  bool negative = false;
  if (!token.empty() && (token[0] == '+' || token[0] == '-')) {
    negative = token[0] == '-';
    i = 1;
  }
  if (i == token.size()) return WholeNumber::kNotANumber;
  for (size_t k = i; k < token.size(); ++k)
    if (token[k] < '0' || token[k] > '9') return WholeNumber::kNotANumber;
  std::string_view number = token.substr(negative ? 0 : i);  // from_chars takes '-' but not '+'
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), *value);
  if (ec == std::errc::result_out_of_range) return WholeNumber::kOutOfRange;
  if (ec != std::errc() || end != number.data() + number.size()) return WholeNumber::kNotANumber;
  return WholeNumber::kOk;
}

// A numeric command-line option's value in [lo, hi]: empty if it is one,
// else what is wrong ("'X' is not a whole number", "X is out of range [lo, hi]").
inline std::string check_int_option(std::string_view text, int64_t lo, int64_t hi, int64_t* value = nullptr) {
  int64_t v = 0;
  WholeNumber r = parse_whole_number(text, &v);
  std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (r == WholeNumber::kNotANumber) return "'" + std::string(text) + "' is not a whole number";
  if (r == WholeNumber::kOutOfRange || v < lo || v > hi)
    return std::string(text) + " is out of range " + range;
  if (value != nullptr) *value = v;
  return "";
}

}  // namespace lb
