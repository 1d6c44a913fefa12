// Microbenchmarks of one runtime's barriers, single-threaded (no conflicts):
// what a transaction costs to begin and commit, and what each load and store
// costs inside one.  Written once over the runtime R; each runtime registers
// them from its own translation unit (itm needs -fgnu-tm).
//
// Read sets of realistic size: a load's cost depends on how much the
// transaction has read already (the read log outgrows the caches, and so
// does the lock or orec table it touches).  read_only_tx runs up to
// kGridWords loads, the read set of Labyrinth's tracked grid copy on
// random-x256-y256-z5-n256; read_release_tx reads the same words and
// releases each cache line after reading it (the released shape before
// lbtm::load_released); read_released_at_once_tx reads each released at
// once (lbtm::load_released, the released shape now); read_random_tx reads them in a random order (every load a cache miss).
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tm/tm.hpp"

namespace lbtm_bench {

template <class R>
struct Fixture {
  R rt{{}, 1};
  typename R::Thread th{rt, 0};
  std::vector<int64_t> words;
  explicit Fixture(size_t n) : words(n, 1) {}
};

// An empty transaction: begin + commit.
template <class R>
void empty_tx(benchmark::State& state) {
  Fixture<R> f(1);
  for (auto _ : state) f.th.atomically([&](typename R::Tx&) {});
  state.SetItemsProcessed(int64_t(state.iterations()));
}

// A read-only transaction of N loads (state.range(0)), in address order,
// in a fixed random order (Labyrinth's claim and a compiler-instrumented
// expansion read like this: every load misses the caches in the data, and
// in the lock or orec table), or in address order each released at once
// (lbtm::load_released, tm/tm.hpp: the released grid copy).
enum class Reads { kInOrder, kRandom, kReleasedAtOnce };
template <class R>
void read_tx(benchmark::State& state, Reads reads) {
  const bool random_order = reads == Reads::kRandom;
  size_t n = size_t(state.range(0));
  Fixture<R> f(n);
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = uint32_t(i);
  uint64_t x = 88172645463325252ull;  // xorshift: the same order for every runtime
  for (size_t i = n; random_order && i > 1; --i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    std::swap(order[i - 1], order[x % i]);
  }
  int64_t sum = 0;
  for (auto _ : state) {
    f.th.atomically([&](typename R::Tx& tx) {
      int64_t s = 0;
      if (random_order) {
        for (size_t i = 0; i < n; ++i) s += tx.load(&f.words[order[i]]);
      } else if (reads == Reads::kReleasedAtOnce) {
        for (size_t i = 0; i < n; ++i) s += lbtm::load_released(tx, &f.words[i]);
      } else {  // no index array: the loads alone
        for (size_t i = 0; i < n; ++i) s += tx.load(&f.words[i]);
      }
      sum = s;
    });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // loads
}

// A small update transaction: N loads and N stores (read-modify-write).
template <class R>
void update_tx(benchmark::State& state) {
  size_t n = size_t(state.range(0));
  Fixture<R> f(n);
  for (auto _ : state) {
    f.th.atomically([&](typename R::Tx& tx) {
      for (size_t i = 0; i < n; ++i) tx.store(&f.words[i], tx.load(&f.words[i]) + 1);
    });
  }
  benchmark::DoNotOptimize(f.words.data());
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // load+store pairs
}

// N stores only (write-set insertion, write-back).
template <class R>
void store_tx(benchmark::State& state) {
  size_t n = size_t(state.range(0));
  Fixture<R> f(n);
  int64_t v = 0;
  for (auto _ : state) {
    ++v;
    f.th.atomically([&](typename R::Tx& tx) {
      for (size_t i = 0; i < n; ++i) tx.store(&f.words[i], v);
    });
  }
  benchmark::DoNotOptimize(f.words.data());
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // stores
}

// The words of a 256x256x5 grid, one per cell (Labyrinth's tracked read set).
inline constexpr int64_t kGridWords = 256 * 256 * 5;

// N loads, each cache line released once read (per load: the load plus an
// eighth of a release).
template <class R>
void read_release_tx(benchmark::State& state) {
  size_t n = size_t(state.range(0));
  Fixture<R> f(n);
  int64_t sum = 0;
  constexpr size_t kLine = 64 / sizeof(int64_t);
  for (auto _ : state) {
    f.th.atomically([&](typename R::Tx& tx) {
      int64_t s = 0;
      for (size_t i = 0; i < n; i += kLine) {
        size_t end = std::min(n, i + kLine);
        for (size_t k = i; k < end; ++k) s += tx.load(&f.words[k]);
        tx.release(&f.words[i], (end - i) * sizeof(int64_t));
      }
      sum = s;
    });
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(n));  // loads
}

template <class R>
void register_all(const char* name) {
  std::string n(name);
  benchmark::RegisterBenchmark((n + "/empty_tx").c_str(), empty_tx<R>);
  benchmark::RegisterBenchmark((n + "/read_only_tx").c_str(), read_tx<R>, Reads::kInOrder)
      ->Arg(1)->Arg(8)->Arg(64)->Arg(4096)->Arg(kGridWords);
  benchmark::RegisterBenchmark((n + "/read_release_tx").c_str(), read_release_tx<R>)->Arg(4096)->Arg(kGridWords);
  benchmark::RegisterBenchmark((n + "/read_released_at_once_tx").c_str(), read_tx<R>, Reads::kReleasedAtOnce)
      ->Arg(4096)->Arg(kGridWords);
  benchmark::RegisterBenchmark((n + "/read_random_tx").c_str(), read_tx<R>, Reads::kRandom)->Arg(kGridWords);
  benchmark::RegisterBenchmark((n + "/update_tx").c_str(), update_tx<R>)->Arg(1)->Arg(8)->Arg(64);
  benchmark::RegisterBenchmark((n + "/store_tx").c_str(), store_tx<R>)->Arg(8)->Arg(4096);
}

}  // namespace lbtm_bench
