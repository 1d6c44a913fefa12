// Facts about the machine and process that every record carries.
#include "labyrinth/environment.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "allocators/pagemap.hpp"
#include "labyrinth/git_revision.hpp"

namespace lb {
namespace {

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

std::string compiler_name() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

Environment Environment::gather() {
  Environment e;
  utsname u{};
  uname(&u);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  e.cpu = cpu_model();
  e.cores = std::thread::hardware_concurrency();
  e.kernel = std::string(u.sysname) + " " + u.release;
  e.arch = u.machine;
  e.compiler = compiler_name();
  e.hostname = host;
  e.thp = pagemap_thp_mode();  // one reading of the THP mode (allocators/pagemap.hpp)
  if (e.thp.empty()) e.thp = "unknown";
  e.malloc = malloc_detect();  // one detection for the whole project: allocators/malloc_select
  e.git_revision = kGitRevision;
  return e;
}

nlohmann::json Environment::machine_json() const {
  return {{"cpu", cpu},           {"cores", cores},       {"kernel", kernel},    {"arch", arch},
          {"thp", thp},           {"compiler", compiler}, {"hostname", hostname}};
}

nlohmann::json Environment::malloc_json() const {
  return {{"detected", malloc.name},
          {"library", malloc.library},
          {"version", malloc.version ? nlohmann::json(*malloc.version) : nlohmann::json(nullptr)}};
}

}  // namespace lb
