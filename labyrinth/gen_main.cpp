// labyrinth-gen X Y Z N [--seed S] [-o FILE]: writes a Labyrinth input in
// STAMP's format; seed 0 (the default) reproduces STAMP's published inputs.
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "labyrinth/generator.hpp"
#include "labyrinth/int_option.hpp"
#include "labyrinth/output_file.hpp"

int main(int argc, char** argv) {
  lb::GeneratorSpec spec;
  std::string out;
  CLI::App app{"labyrinth-gen: writes a Labyrinth input (STAMP's generator, byte for byte with seed 0)"};
  app.add_option("X", spec.width, "grid width")->required()->transform(lb::whole_number_in(1, int64_t{1} << 31));
  app.add_option("Y", spec.height, "grid height")->required()->transform(lb::whole_number_in(1, int64_t{1} << 31));
  app.add_option("Z", spec.depth, "grid depth")->required()->transform(lb::whole_number_in(1, int64_t{1} << 31));
  app.add_option("N", spec.pairs, "number of pairs")->required()->transform(lb::whole_number_in(0, int64_t{1} << 31));
  // Seeds above 2^63 - 1 are refused: one parser for every numeric option.
  app.add_option("--seed", spec.seed, "random seed (STAMP: 0)")->transform(lb::whole_number_in(0, INT64_MAX))->capture_default_str();
  app.add_option("-o,--output", out, "output file (default: standard output)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "labyrinth-gen: %s\nRun with --help for the options.\n", e.what());
    return 2;
  }
  std::string text;
  try {
    text = lb::generate_input(spec);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "labyrinth-gen: %s\n", e.what());
    return 2;
  }
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 1;
  }
  try {
    lb::write_output(out, text);  // as labyrinth writes its outputs (output_file.hpp)
  } catch (const lb::RunError& e) {
    std::fprintf(stderr, "labyrinth-gen: cannot write %s\n", e.what());
    return 1;
  }
  return 0;
}
