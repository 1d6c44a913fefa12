// Reading a runtime's --tm-opt KEY=VALUE options: each runtime takes the keys
// it knows out of its Options and refuses whatever is left.
#pragma once
#include <charconv>
#include <stdexcept>
#include <string>

#include "tm/tm.hpp"

namespace lbtm {

// Takes `key` out of `o`: its value as an integer in [lo, hi], or `def` when
// absent.  Anything else is refused, naming the runtime, key and range.
inline unsigned take_unsigned_option(Options& o, const char* runtime, const char* key, unsigned def, unsigned lo,
                                     unsigned hi) {
  auto it = o.find(key);
  if (it == o.end()) return def;
  // Digits only (std::from_chars): no sign, no space, no wrap-around as stoul has ("-1").
  const std::string& text = it->second;
  unsigned long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw std::invalid_argument(std::string(runtime) + ": option " + key + "=" + it->second +
                                " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  o.erase(it);
  return unsigned(v);
}

}  // namespace lbtm
