// Output files for --json and --paths (labyrinth/output_file.hpp says what
// is atomic, what is followed and what is refused).  Hand-written on POSIX
// calls: std::ofstream + std::rename cannot tell a device from a file, and
// renaming over a device node or a symlink replaces it.
#include "labyrinth/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace lb {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool write_all(int fd, const std::string& text, int* err) {
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    p += n;
    left -= size_t(n);
  }
  return true;
}

std::string dir_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// What `path` names once symlinks are followed: the existing file it
// resolves to, or, for a new path, the canonical directory plus the name.
struct Target {
  std::string path;      // where to write (a symlink's target)
  bool exists = false;
  struct stat st {};
  std::string problem;   // non-empty: refused
};

Target resolve(const std::string& path) {
  Target t;
  struct stat lst;
  if (::lstat(path.c_str(), &lst) != 0) {
    if (errno != ENOENT) {
      t.problem = path + ": " + errno_text(errno);
      return t;
    }
    std::unique_ptr<char, void (*)(void*)> dir(::realpath(dir_of(path).c_str(), nullptr), &std::free);
    if (!dir) {
      t.problem = path + ": directory " + dir_of(path) + ": " + errno_text(errno);
      return t;
    }
    std::string d = dir.get();
    t.path = (d == "/" ? "" : d) + "/" + base_of(path);
    return t;
  }
  if (::stat(path.c_str(), &t.st) != 0) {
    t.problem = path + ": " + (errno == ENOENT ? std::string("a symbolic link to nothing") : errno_text(errno));
    return t;
  }
  t.exists = true;
  std::unique_ptr<char, void (*)(void*)> real(::realpath(path.c_str(), nullptr), &std::free);
  if (!real) {
    t.problem = path + ": " + errno_text(errno);
    return t;
  }
  t.path = real.get();
  if (!S_ISREG(t.st.st_mode) && !S_ISCHR(t.st.st_mode) && !S_ISFIFO(t.st.st_mode))
    t.problem = path + ": " + (S_ISDIR(t.st.st_mode) ? "is a directory" : "not a regular file, character device or FIFO") +
                "; refused as an output";
  return t;
}

bool write_in_place(const std::string& path, const std::string& text, std::string* error) {
  // O_NONBLOCK: a FIFO nobody reads fails with ENXIO instead of blocking.
  Fd f{::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
  if (f.fd < 0) {
    *error = path + ": " + (errno == ENXIO ? std::string("a FIFO with no reader") : errno_text(errno));
    return false;
  }
  int flags = ::fcntl(f.fd, F_GETFL);
  if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);  // now block as a write normally would
  int err = 0;
  if (!write_all(f.fd, text, &err)) {
    *error = path + ": " + errno_text(err);
    return false;
  }
  return true;
}

bool write_replacing(const std::string& path, const std::string& text, std::string* error) {
  std::string tmp = dir_of(path) + "/." + base_of(path) + ".XXXXXX.tmp";
  Fd f{::mkstemps(tmp.data(), 4)};
  if (f.fd < 0) {
    *error = path + ": cannot create a temporary file in " + dir_of(path) + ": " + errno_text(errno);
    return false;
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  int err = 0;
  bool ok = ::fchmod(f.fd, 0666 & ~mask) == 0 || (err = errno, false);
  ok = ok && write_all(f.fd, text, &err);
  ok = ok && (::fsync(f.fd) == 0 || (err = errno, false));
  int fd = f.fd;
  f.fd = -1;
  ok = (::close(fd) == 0 || (err = errno, false)) && ok;
  ok = ok && (::rename(tmp.c_str(), path.c_str()) == 0 || (err = errno, false));
  if (!ok) {
    ::unlink(tmp.c_str());
    *error = path + ": " + errno_text(err);
  }
  return ok;
}

bool same_file(const Target& a, const Target& b) {
  if (a.exists && b.exists) return a.st.st_dev == b.st.st_dev && a.st.st_ino == b.st.st_ino;
  return a.path == b.path;
}

}  // namespace

void write_output(const std::string& path, const std::string& text) {
  Target t = resolve(path);
  std::string error = t.problem;
  if (error.empty() && (t.exists && !S_ISREG(t.st.st_mode) ? write_in_place(t.path, text, &error)
                                                            : write_replacing(t.path, text, &error)))
    return;
  throw RunError(FailureReason::kRuntime, error);
}

void check_outputs(const std::string& input, const std::vector<std::pair<std::string, std::string>>& outputs) {
  Target in;
  struct stat st;
  if (::stat(input.c_str(), &st) == 0) {
    in.exists = true;
    in.st = st;
  }
  auto refuse = [](const std::string& why) { throw RunError(FailureReason::kUsage, why); };
  std::vector<std::pair<std::string, Target>> seen;
  for (const auto& [option, path] : outputs) {
    if (path.empty() || path == "-") continue;
    Target t = resolve(path);
    if (!t.problem.empty()) refuse(option + " " + t.problem);
    if (in.exists && t.exists && same_file(in, t))
      refuse(option + " " + path + " is the input file; refused (it would be overwritten)");
    for (const auto& [other, o] : seen)
      if (same_file(o, t) && !(t.exists && !S_ISREG(t.st.st_mode)))
        refuse(option + " " + path + " is the same file as " + other + "; give each output its own file");
    seen.push_back({option, t});
  }
}

}  // namespace lb
