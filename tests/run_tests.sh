#!/usr/bin/env bash
# The README's test command: installs what is missing, builds every test
# configuration and runs every test.  CI runs exactly this (.ci/run).
#
#   release  Release build: all unit, equivalence, stress and Python tests
#   asan     AddressSanitizer + UBSan build: the whole suite again
#   tsan     ThreadSanitizer build: the concurrency tests (label "tsan")
#   fuzz     clang + libFuzzer: the input reader fuzzed briefly (label "fuzz")
#
# LB_TEST_CONFIGS="release asan" limits the configurations (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
./install_deps.sh --tests

jobs=$(nproc)
configs=${LB_TEST_CONFIGS:-release asan tsan fuzz}

build() {  # build DIR [cmake args...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DLB_BUILD_BENCHMARKS=OFF "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}

for c in $configs; do
  echo "=== tests: $c"
  case $c in
    release) build build/test-release -DCMAKE_BUILD_TYPE=Release
             ctest --test-dir build/test-release --output-on-failure -j "$jobs" ;;
    asan)    build build/test-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLB_SANITIZE=address
             ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
             ctest --test-dir build/test-asan --output-on-failure -j "$jobs" -LE no-asan ;;
    tsan)    build build/test-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLB_SANITIZE=thread
             TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
             ctest --test-dir build/test-tsan --output-on-failure -j "$jobs" -L tsan ;;
    fuzz)    cmake -S . -B build/test-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLB_FUZZ=ON \
                   -DLB_BUILD_BENCHMARKS=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
             cmake --build build/test-fuzz -j "$jobs" --target fuzz_reader fuzz_int_option
             ctest --test-dir build/test-fuzz --output-on-failure -L fuzz ;;
    *) echo "run_tests.sh: unknown configuration '$c'" >&2; exit 2 ;;
  esac
done
