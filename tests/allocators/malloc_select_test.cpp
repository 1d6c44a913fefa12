// malloc_select in this process: the table, name resolution, detection of
// the malloc this test binary runs with, and the mismatch rule.
#include <gnu/libc-version.h>
#include <gtest/gtest.h>

#include "allocators/malloc_select.hpp"

namespace {

TEST(MallocSelect, TheTableHasEveryAllocatorOfTheIssueWithGlibcFirst) {
  const auto& t = malloc_known();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].name, "glibc");
  EXPECT_TRUE(t[0].found);
  EXPECT_TRUE(t[0].path.empty());
  EXPECT_EQ(t[1].name, "jemalloc");
  EXPECT_EQ(t[2].name, "mimalloc");
  EXPECT_EQ(t[3].name, "tbbmalloc");
  EXPECT_EQ(t[4].name, "tcmalloc");
  for (const auto& m : t) EXPECT_EQ(m.found, m.name == "glibc" || !m.path.empty()) << m.name;
}

TEST(MallocSelect, NamesAndPathsResolve) {
  malloc_choice g = malloc_resolve("glibc");
  EXPECT_TRUE(g.error.empty());
  EXPECT_TRUE(g.preload.empty());
  malloc_choice u = malloc_resolve("hoard");
  EXPECT_NE(u.error.find("unknown allocator 'hoard'"), std::string::npos) << u.error;
  EXPECT_NE(u.error.find("jemalloc"), std::string::npos) << "the error lists what is known: " << u.error;
  malloc_choice missing = malloc_resolve("/nonexistent/libfoo.so");
  EXPECT_NE(missing.error.find("/nonexistent/libfoo.so"), std::string::npos) << missing.error;
  for (const auto& m : malloc_known()) {
    malloc_choice c = malloc_resolve(m.name);
    EXPECT_EQ(c.preload, m.path) << m.name;
    EXPECT_EQ(c.error.empty(), m.found) << m.name << ": " << c.error;
  }
}

TEST(MallocSelect, DetectsTheMallocOfThisBinary) {
  malloc_detected d = malloc_detect();
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_EQ(d.name, "asan") << d.library;
#elif defined(__SANITIZE_THREAD__)
  EXPECT_EQ(d.name, "tsan") << d.library;
#else
  EXPECT_EQ(d.name, "glibc") << d.library;
  EXPECT_NE(d.library.find("libc.so"), std::string::npos) << d.library;
  ASSERT_TRUE(d.version.has_value());
  EXPECT_EQ(*d.version, gnu_get_libc_version());
#endif
  EXPECT_EQ(malloc_mismatch(malloc_resolve("glibc"), d), "") << "the default choice matches this binary";
}

TEST(MallocSelect, SanitizerRuntimesAreNamedAndAcceptedForTheDefaultOnly) {
  // GCC's ASan/TSan runtimes are shared libraries that own malloc.
  malloc_detected asan{"asan", "/usr/lib/x86_64-linux-gnu/libasan.so.8.0.0", std::nullopt};
  EXPECT_EQ(malloc_mismatch(malloc_resolve("glibc"), asan), "");
  malloc_choice je{"jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so", ""};
  EXPECT_NE(malloc_mismatch(je, asan), "");
}

TEST(MallocSelect, AMismatchSaysWhatWasAskedAndWhatServes) {
  malloc_detected glibc{"glibc", "/usr/lib/x86_64-linux-gnu/libc.so.6", "2.36"};
  malloc_choice c{"jemalloc", "/usr/lib/x86_64-linux-gnu/libjemalloc.so", ""};
  std::string m = malloc_mismatch(c, glibc);
  EXPECT_NE(m.find("asked for jemalloc"), std::string::npos) << m;
  EXPECT_NE(m.find("served by glibc"), std::string::npos) << m;
  malloc_detected je{"jemalloc", "/somewhere/else/libjemalloc.so.2", "5.3.0"};
  EXPECT_NE(malloc_mismatch(c, je), "") << "same name, another library";
  EXPECT_NE(malloc_mismatch(malloc_resolve("glibc"), je), "");
}

}  // namespace
