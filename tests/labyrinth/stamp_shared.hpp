// Access to ../shared (STAMP's inputs and reference results) for the tests
// that compare against STAMP; they skip where ../shared is absent.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lb_test {

inline std::filesystem::path shared_dir() { return LB_SHARED_DIR; }

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

struct ReferenceRow {
  std::string input;
  long paths_to_route, paths_routed, total_points;
  std::string path_hash;
};

inline std::vector<ReferenceRow> reference_rows() {
  std::vector<ReferenceRow> rows;
  std::ifstream f(shared_dir() / "reference" / "stamp-seq.tsv");
  std::string header;
  std::getline(f, header);
  ReferenceRow r;
  while (f >> r.input >> r.paths_to_route >> r.paths_routed >> r.total_points >> r.path_hash) rows.push_back(r);
  return rows;
}

}  // namespace lb_test
