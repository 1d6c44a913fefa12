// A small program for the preload tests: reports the malloc that serves it,
// one "key=value" per line.  With "--reexec NAME", it first re-executes itself
// with NAME's library preloaded, as the labyrinth binary does.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "allocators/malloc_select.hpp"

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--reexec") == 0) {
    malloc_choice c = malloc_resolve(argv[2]);
    if (!c.error.empty()) {
      std::fprintf(stderr, "%s\n", c.error.c_str());
      return 2;
    }
    std::string error;
    malloc_reexec_with(c, argv, &error);
    if (!error.empty()) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 3;
    }
    std::printf("mismatch=%s\n", malloc_mismatch(c, malloc_detect()).c_str());
  }
  // Use the allocator, so a preload that breaks malloc shows up here.
  void* volatile p = std::malloc(12345);
  std::free(p);
  malloc_detected d = malloc_detect();
  std::printf("name=%s\nlibrary=%s\nversion=%s\n", d.name.c_str(), d.library.c_str(),
              d.version ? d.version->c_str() : "(none)");
  const char* pre = std::getenv("LD_PRELOAD");
  std::printf("ld_preload=%s\n", pre ? pre : "");
  return 0;
}
