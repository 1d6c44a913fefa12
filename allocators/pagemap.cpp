#include "allocators/pagemap.hpp"

#include <linux/mman.h>  // MAP_HUGE_2MB, MAP_HUGE_1GB
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif

namespace {

constexpr size_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;

std::string read_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

std::string hugetlb_dir(size_t page_size) {
  return "/sys/kernel/mm/hugepages/hugepages-" + std::to_string(page_size / kKiB) + "kB";
}

// Free hugetlbfs pages of this size, or -1 when the kernel has no pool for it.
long hugetlb_free_pages(size_t page_size) {
  std::string s = read_line(hugetlb_dir(page_size) + "/free_hugepages");
  return s.empty() ? -1 : std::stol(s);
}

std::string thp_mode() {
  std::string mode = pagemap_thp_mode();
  return mode.empty() ? "unavailable" : mode;
}

std::string hugetlb_advice(size_t page_size, size_t bytes) {
  std::ostringstream o;
  o << "reserve hugetlbfs pages of " << pagemap_size_name(page_size) << ": as root, echo "
    << (bytes + page_size - 1) / page_size << " > " << hugetlb_dir(page_size) << "/nr_hugepages";
  if (page_size == kGiB) o << " (1 GiB pages are best reserved at boot: hugepagesz=1G hugepages=N)";
  return o.str();
}

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Faults in every page of the range now, so later use never faults.
bool prefault(char* p, size_t bytes, size_t page_size) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (madvise(p, bytes, MADV_POPULATE_WRITE) == 0) return true;
    if (errno != EINTR && errno != EAGAIN) break;  // transient: try again
  }
  if (errno != EINVAL) return false;
  // Kernels before 5.14: touch each page by hand.
  for (size_t off = 0; off < bytes; off += page_size) *reinterpret_cast<volatile char*>(p + off) = 0;
  return true;
}

}  // namespace

std::string pagemap_thp_mode() {  // the bracketed word of .../enabled, e.g. "madvise"
  std::string s = read_line("/sys/kernel/mm/transparent_hugepage/enabled");
  size_t a = s.find('['), b = s.find(']');
  return a == std::string::npos || b == std::string::npos ? "" : s.substr(a + 1, b - a - 1);
}

size_t pagemap_parse_size(const std::string& s) {
  if (s == "4k" || s == "4K") return 4 * kKiB;
  if (s == "2m" || s == "2M") return 2 * kMiB;
  if (s == "1g" || s == "1G") return kGiB;
  return 0;
}

std::string pagemap_size_name(size_t bytes) {
  if (bytes == 4 * kKiB) return "4k";
  if (bytes == 2 * kMiB) return "2m";
  if (bytes == kGiB) return "1g";
  return std::to_string(bytes) + "B";
}

bool pagemap_available(size_t page_size, allocpage_method* method_io, size_t first_commit, std::string* error) {
  allocpage_method& method = *method_io;
  if (page_size != 4 * kKiB && page_size != 2 * kMiB && page_size != kGiB) {
    *error = "allocpage: page size must be 4k, 2m or 1g, not " + std::to_string(page_size) + " bytes";
    return false;
  }
  if (method == allocpage_method::automatic) {
    if (page_size == 4 * kKiB) method = allocpage_method::plain;
    else if (page_size == kGiB) method = allocpage_method::hugetlbfs;
    else method = hugetlb_free_pages(page_size) > 0 ? allocpage_method::hugetlbfs : allocpage_method::thp;
  }
  bool fits = (method == allocpage_method::plain && page_size == 4 * kKiB) ||
              (method == allocpage_method::thp && page_size == 2 * kMiB) ||
              (method == allocpage_method::hugetlbfs && page_size != 4 * kKiB);
  if (!fits) {
    *error = "allocpage: " + pagemap_size_name(page_size) +
             " pages cannot be had by this method (4k: plain; 2m: thp or hugetlbfs; 1g: hugetlbfs)";
    return false;
  }
  if (method == allocpage_method::thp && thp_mode() != "always" && thp_mode() != "madvise") {
    *error = "allocpage: 2m pages through transparent huge pages need THP enabled (it is '" +
             thp_mode() + "'): echo madvise > /sys/kernel/mm/transparent_hugepage/enabled, or " +
             hugetlb_advice(page_size, first_commit);
    return false;
  }
  if (method == allocpage_method::hugetlbfs && hugetlb_free_pages(page_size) <= 0) {
    *error = "allocpage: no free hugetlbfs pages of " + pagemap_size_name(page_size) +
             (hugetlb_free_pages(page_size) < 0 ? " (this kernel has no pool of that size)" : "") +
             "; " + hugetlb_advice(page_size, first_commit);
    return false;
  }
  return true;
}

bool pagemap_reserve(pagemap& m, size_t page_size, size_t limit, size_t first_commit,
                     allocpage_method method, std::string* error) {
  if (!pagemap_available(page_size, &method, first_commit, error)) return false;
  limit = (limit + page_size - 1) / page_size * page_size;
  // Over-reserve by one page so that base can be aligned to the page size,
  // then give back the ragged ends.
  size_t span = limit + page_size;
  void* raw = mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) {
    *error = errno_text("allocpage: reserving address space (mmap)");
    return false;
  }
  uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  uintptr_t aligned = (start + page_size - 1) / page_size * page_size;
  if (aligned > start) munmap(raw, aligned - start);
  if (aligned + limit < start + span) munmap(reinterpret_cast<void*>(aligned + limit), start + span - aligned - limit);
  m.base = reinterpret_cast<char*>(aligned);
  m.limit = limit;
  m.page_size = page_size;
  m.method = method;
  // One page size per allocator: THP is asked for (or kept away, in "always"
  // mode) for the whole reservation at once.
  if (method == allocpage_method::thp) madvise(m.base, limit, MADV_HUGEPAGE);
  if (method == allocpage_method::plain) madvise(m.base, limit, MADV_NOHUGEPAGE);
  return true;
}

bool pagemap_commit(const pagemap& m, size_t offset, size_t bytes, std::string* error) {
  char* p = m.base + offset;
  if (m.method == allocpage_method::hugetlbfs) {
    int size_flag = m.page_size == kGiB ? MAP_HUGE_1GB : MAP_HUGE_2MB;
    void* r = mmap(p, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_HUGETLB | size_flag | MAP_POPULATE, -1, 0);
    if (r == MAP_FAILED) {
      *error = errno_text("allocpage: mapping hugetlbfs pages") + "; " + hugetlb_advice(m.page_size, bytes);
      // MAP_FIXED may have replaced the reservation: put it back.
      mmap(p, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
      return false;
    }
  } else {
    if (mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0) {
      *error = errno_text("allocpage: committing memory (mprotect)");
      return false;
    }
    if (!prefault(p, bytes, m.page_size)) {
      *error = errno_text("allocpage: pre-faulting memory (madvise MADV_POPULATE_WRITE)");
      return false;
    }
  }
  std::string detail;
  size_t got = pagemap_backing_page_size(m.base, offset + bytes, &detail);
  if (got != m.page_size) {
    *error = "allocpage: asked for " + pagemap_size_name(m.page_size) + " pages but the kernel gave " + detail;
    if (m.method == allocpage_method::thp)
      *error += " (THP is '" + thp_mode() + "'; memory may be too fragmented for huge pages); " +
                hugetlb_advice(m.page_size, offset + bytes);
    return false;
  }
  return true;
}

void pagemap_release(pagemap& m) {
  if (m.base) munmap(m.base, m.limit);
  m = pagemap{};
}

size_t pagemap_backing_page_size(const void* begin, size_t bytes, std::string* detail) {
  const uintptr_t b = reinterpret_cast<uintptr_t>(begin), e = b + bytes;
  std::ifstream f("/proc/self/smaps");
  std::string line;
  // Per mapping header line "lo-hi perms ...", then "Key:  value kB" lines.
  bool inside = false;
  size_t covered = 0, huge_anon = 0, rss = 0, kernel_page = 0;
  bool mixed = false;
  uintptr_t lo = 0, hi = 0;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    unsigned long a, z;
    // Header lines start "lo-hi "; key lines ("AnonHugePages: ...") do not parse so.
    if (std::sscanf(line.c_str(), "%lx-%lx ", &a, &z) == 2) {
      lo = a, hi = z;
      // Mappings come in address order, and the kernel walks each one's page
      // tables as it is read: stop at the first one past the range.
      if (lo >= e) break;
      inside = lo < e && hi > b;
      if (inside) {
        if (lo < b || hi > e) mixed = true;  // the range does not cover the whole mapping
        covered += std::min<uintptr_t>(hi, e) - std::max<uintptr_t>(lo, b);
      }
      continue;
    }
    if (!inside) continue;
    size_t kb = 0;
    if (std::sscanf(line.c_str(), "KernelPageSize: %zu kB", &kb) == 1) {
      if (kernel_page && kernel_page != kb * kKiB) mixed = true;
      kernel_page = kb * kKiB;
    } else if (std::sscanf(line.c_str(), "AnonHugePages: %zu kB", &kb) == 1) {
      huge_anon += kb * kKiB;
    } else if (std::sscanf(line.c_str(), "Rss: %zu kB", &kb) == 1) {
      rss += kb * kKiB;
    }
  }
  std::ostringstream o;
  o << "KernelPageSize " << kernel_page / kKiB << " kB, Rss " << rss / kKiB << " kB, AnonHugePages "
    << huge_anon / kKiB << " kB over " << covered / kKiB << " kB mapped of " << bytes / kKiB << " kB";
  *detail = o.str();
  if (covered != bytes || mixed || kernel_page == 0) return 0;
  if (kernel_page > 4 * kKiB) return rss == bytes ? kernel_page : 0;  // hugetlbfs
  if (huge_anon == bytes) return 2 * kMiB;                           // transparent huge pages
  if (huge_anon == 0 && rss == bytes) return 4 * kKiB;
  return 0;
}
