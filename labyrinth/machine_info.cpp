// Facts about the machine and process that every record carries.
#include <openssl/evp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "allocators/malloc_select.hpp"
#include "labyrinth/record.hpp"

namespace lb {
namespace {

std::string read_first_line(const char* path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  return line;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

// The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled.
std::string thp_mode() {
  std::string line = read_first_line("/sys/kernel/mm/transparent_hugepage/enabled");
  auto open = line.find('['), close = line.find(']');
  return open == std::string::npos || close == std::string::npos ? "unknown" : line.substr(open + 1, close - open - 1);
}

std::string compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

nlohmann::json machine_info() {
  utsname u{};
  uname(&u);
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return {{"cpu", cpu_model()},
          {"cores", std::thread::hardware_concurrency()},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"arch", u.machine},
          {"thp", thp_mode()},
          {"compiler", compiler()},
          {"hostname", host}};
}

// Which library the process's `malloc` symbol resolves to.
// One detection for the whole project: allocators/malloc_select.
nlohmann::json malloc_info() {
  malloc_detected d = malloc_detect();
  return {{"detected", d.name},
          {"library", d.library},
          {"version", d.version ? nlohmann::json(*d.version) : nlohmann::json(nullptr)}};
}

std::string sha256_file_hex(const std::string& path) {
  // Through the reader's checked read: a path swapped to a FIFO must not block here either.
  std::string bytes = read_input_text(path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  std::ostringstream hex;
  static const char* digits = "0123456789abcdef";
  for (unsigned i = 0; i < n; ++i) hex << digits[md[i] >> 4] << digits[md[i] & 15];
  return hex.str();
}

}  // namespace lb
