#!/usr/bin/env bash
# The README's main command: install what is missing, build (Release, -O3),
# run the default benchmark suite (`quick`, or the suite named as $1), render
# its figures and print its summary.  Results land in results/runs/<suite>-<time>/;
# running it again after an interruption resumes the unfinished suite.
#
# Exit status is the harness's: 0 all runs ok, 1 some runs failed (listed in the
# summary), 130 interrupted.
set -euo pipefail
cd "$(dirname "$0")"
./install_deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLB_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"
# Debian's Python on purpose: it has matplotlib, numpy, scipy and tqdm.
exec /usr/bin/python3 -m harness run "${1:-quick}" --bin-dir build/release/bin
