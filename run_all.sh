#!/usr/bin/env bash
# The README's main command: install what is missing, build (Release, -O3),
# run the default benchmark and print its results.
set -euo pipefail
cd "$(dirname "$0")"
./install_deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLB_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"
echo "run_all.sh: the default benchmark lands with the foundation issue"
