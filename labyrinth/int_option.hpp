// Numeric command-line options: every one is checked as a whole number (one
// sign at most, digits only) within its range before CLI11 converts it, so an
// out-of-range value is refused (exit 2) instead of being saturated or
// wrapped by the conversion (issue 9: --repetition 99999999999999999999 was
// recorded as 9223372036854775807).
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "labyrinth/whole_number.hpp"

namespace lb {

// Use with ->transform(), not ->check() (whose validators cannot rewrite):
// the value is handed on to CLI11 rewritten in plain decimal: CLI11 reads
// "010" as octal 8 and "0x10" as 16 (found by fuzz_int_option), a number the
// user did not write.
inline CLI::Validator whole_number_in(int64_t lo, int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) {
        int64_t value = 0;
        std::string error = check_int_option(text, lo, hi, &value);
        if (error.empty()) text = std::to_string(value);
        return error;
      },
      "INT in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

}  // namespace lb
