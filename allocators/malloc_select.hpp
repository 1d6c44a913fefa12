// malloc_select: which general-purpose malloc serves this process, and how to
// ask for another one.
//
// The mallocs are chosen per process with LD_PRELOAD, as the literature did.
// The libraries were located by CMake at configure time (allocators/
// CMakeLists.txt) and compiled into a table; a user may also name any library
// by path.  Detection never links a malloc into the binary: it asks the
// dynamic linker which object `malloc` resolves to (dlsym + dladdr) and the
// version from that object's own API, found with dlsym.
#pragma once
#include <optional>
#include <string>
#include <vector>

struct malloc_library {
  std::string name;  // glibc, jemalloc, mimalloc, tbbmalloc, tcmalloc
  std::string path;  // what to preload; empty for glibc (nothing) and for a library not found here
  bool found;        // glibc always; the others when CMake found them
};

// The configure-time table, in a fixed order (glibc first).
const std::vector<malloc_library>& malloc_known();

// What a user asked for, resolved.
struct malloc_choice {
  std::string requested;  // as given: a table name or a path
  std::string preload;    // library to preload; empty for glibc
  std::string error;      // non-empty when the request cannot be served here
};
// A name from the table, or a path to a shared library (anything with a '/').
malloc_choice malloc_resolve(const std::string& name_or_path);

struct malloc_detected {
  std::string name;     // table name, "asan"/"tsan" when a sanitizer's malloc serves,
                        // else the library's file name
  std::string library;  // path of the object `malloc` resolves to (symlinks resolved)
  std::optional<std::string> version;  // where the library says
};
malloc_detected malloc_detect();

// Empty when `detected` is what `choice` asked for, else a message saying what
// was asked for and what serves the process instead.
std::string malloc_mismatch(const malloc_choice& choice, const malloc_detected& detected);

// Re-executes this program (/proc/self/exe, same argv) with choice.preload
// prepended to LD_PRELOAD, unless the process already runs with it (then it
// returns, so a program may call it unconditionally at the start of main).
// Returns only when no re-execution was needed or exec failed (*error says).
void malloc_reexec_with(const malloc_choice& choice, char** argv, std::string* error);
