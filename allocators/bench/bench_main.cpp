// alloc_bench's main: "--allocator NAME|PATH" re-executes the binary with
// that malloc preloaded (no LD_PRELOAD by hand) and refuses to measure when
// another malloc serves; every result file names the malloc that served.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "allocators/malloc_select.hpp"

int main(int argc, char** argv) {
  std::string requested = "glibc";
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--allocator") == 0 && i + 1 < argc) {
      requested = argv[++i];
    } else if (std::strcmp(argv[i], "--list-allocators") == 0) {
      for (const malloc_library& m : malloc_known())
        if (m.found) std::printf("%s\t%s\n", m.name.c_str(), m.path.empty() ? "(no preload)" : m.path.c_str());
      return 0;
    } else {
      rest.push_back(argv[i]);
    }
  }
  malloc_choice choice = malloc_resolve(requested);
  if (!choice.error.empty()) {
    std::fprintf(stderr, "alloc_bench: %s\n", choice.error.c_str());
    return 2;
  }
  std::string error;
  malloc_reexec_with(choice, argv, &error);
  if (!error.empty()) {
    std::fprintf(stderr, "alloc_bench: %s\n", error.c_str());
    return 1;
  }
  malloc_detected d = malloc_detect();
  std::string mismatch = malloc_mismatch(choice, d);
  if (!mismatch.empty()) {
    std::fprintf(stderr, "alloc_bench: %s\n", mismatch.c_str());
    return 4;
  }
  benchmark::AddCustomContext("malloc", d.name);
  benchmark::AddCustomContext("malloc_library", d.library);
  benchmark::AddCustomContext("malloc_version", d.version.value_or(""));
  int n = static_cast<int>(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
