// labyrinth-gen X Y Z N [--seed S] [-o FILE]: writes a Labyrinth input in
// STAMP's format; seed 0 (the default) reproduces STAMP's published inputs.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "labyrinth/generator.hpp"

int main(int argc, char** argv) {
  lb::GeneratorSpec spec;
  std::string out;
  CLI::App app{"labyrinth-gen: writes a Labyrinth input (STAMP's generator, byte for byte with seed 0)"};
  app.add_option("X", spec.width, "grid width")->required()->check(CLI::Range(int64_t{1}, int64_t{1} << 31));
  app.add_option("Y", spec.height, "grid height")->required()->check(CLI::Range(int64_t{1}, int64_t{1} << 31));
  app.add_option("Z", spec.depth, "grid depth")->required()->check(CLI::Range(int64_t{1}, int64_t{1} << 31));
  app.add_option("N", spec.pairs, "number of pairs")->required()->check(CLI::Range(int64_t{0}, int64_t{1} << 31));
  app.add_option("--seed", spec.seed, "random seed (STAMP: 0)")->capture_default_str();
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
  std::string tmp = out + ".tmp";
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  if (!(f << text) || !f.flush()) {
    std::fprintf(stderr, "labyrinth-gen: cannot write %s\n", tmp.c_str());
    return 1;
  }
  f.close();
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::perror(("labyrinth-gen: cannot write " + out).c_str());
    return 1;
  }
  return 0;
}
