#include "tm/l1_geometry.hpp"

#include <fstream>

namespace lbtm {
namespace {

bool read_text(const std::string& file, std::string& out) {
  std::ifstream f(file);
  return static_cast<bool>(std::getline(f, out));
}

bool read_unsigned(const std::string& file, unsigned& out) {
  std::string s;
  if (!read_text(file, s)) return false;
  try {
    size_t used = 0;
    unsigned long v = std::stoul(s, &used);
    if (used == 0 || v == 0 || v > (1u << 24)) return false;
    out = unsigned(v);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

L1Geometry read_l1d_geometry(const std::string& dir) {
  for (int i = 0; i < 16; ++i) {
    std::string d = dir + "/index" + std::to_string(i) + "/";
    std::string type;
    unsigned level = 0;
    if (!read_unsigned(d + "level", level) || !read_text(d + "type", type)) continue;
    if (level != 1 || (type != "Data" && type != "Unified")) continue;
    L1Geometry g;
    g.source = "sysfs";
    if (read_unsigned(d + "number_of_sets", g.sets) && read_unsigned(d + "ways_of_associativity", g.ways) &&
        read_unsigned(d + "coherency_line_size", g.line_bytes))
      return g;
  }
  return intel_l1d();
}

}  // namespace lbtm
