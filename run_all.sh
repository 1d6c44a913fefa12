#!/usr/bin/env bash
# The README's main command: install what is missing, build (Release, -O3),
# run the default benchmark and print its results.
set -euo pipefail
cd "$(dirname "$0")"
./install_deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLB_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)"

bin=build/release/bin
inputs=results/cache/inputs
mkdir -p "$inputs"
input=$inputs/random-x256-y256-z3-n256.txt
[ -f "$input" ] || "$bin/labyrinth-gen" 256 256 3 256 -o "$input"

echo "tm    threads  elapsed_s  paths  verified"
for tm in seq lock; do
  for t in 1 2; do
    [ "$tm" = seq ] && [ "$t" -gt 1 ] && continue
    "$bin/labyrinth" -i "$input" --tm "$tm" -t "$t" --json - 2>/dev/null |
      /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("%-5s %7d  %9.3f  %5d  %s" % (r["tm"]["name"], r["threads"], r["time"]["elapsed_s"], r["result"]["paths_routed"], r["result"]["verified"]))'
  done
done
