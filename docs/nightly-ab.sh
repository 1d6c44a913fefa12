#!/bin/sh
# The nightly gate, as a shell recipe (harness/README.md, "Nightly gating with ab"):
# build the last accepted revision and HEAD side by side, run `harness ab` on the
# nightly suite, keep the history, and accept HEAD when nothing regressed.
#
#   docs/nightly-ab.sh                      # from a clone; exit 1 on a regression
#   ACCEPTED=<rev> docs/nightly-ab.sh       # compare against a chosen revision
#
# The accepted revision is kept in results/history/accepted (commit it with the
# history); without one, HEAD's parent is the base.  Set SUITE, THRESHOLD or
# METRIC to change what is run and how it is judged.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
suite=${SUITE:-nightly}
history=${HISTORY:-results/history/nightly.jsonl}
accepted=${ACCEPTED:-$(cat results/history/accepted 2>/dev/null || git rev-parse HEAD~1)}
accepted=$(git rev-parse "$accepted")
head=$(git rev-parse HEAD)
work=build/nightly
jobs=$(nproc)

build() {  # build SOURCE_DIR BUILD_DIR: the two binaries the harness needs, Release
  cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DLB_BUILD_TESTS=OFF -DLB_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build "$2" -j "$jobs" --target labyrinth labyrinth-gen >/dev/null
}

./install_deps.sh
# The accepted revision from its own checkout (a detached worktree: HEAD's stays as it is).
if [ ! -d "$work/accepted-src" ]; then
  git worktree add --detach "$work/accepted-src" "$accepted" >/dev/null
else
  git -C "$work/accepted-src" checkout --detach -q "$accepted"
fi
build "$work/accepted-src" "$work/accepted"
build "$repo" "$work/head"

out=results/runs/ab-$suite-$(date -u +%Y%m%dT%H%M%SZ)
status=0
harness/lb-harness ab "$suite" --base "$work/accepted/bin" --new "$work/head/bin" --out "$out" \
  --threshold "${THRESHOLD:-0.05}" --metric "${METRIC:-cpu}" --no-progress || status=$?
[ "$status" -le 1 ] || exit "$status"     # 2: could not compare, 130: interrupted

# Keep HEAD's runs in the history (a rerun of one revision adds to its samples).
harness/lb-harness history add "$out/new" --file "$history" --revision "$head"
if [ "$status" -eq 0 ]; then
  echo "$head" > results/history/accepted
  echo "nightly: no regression; $head is now the accepted revision"
else
  echo "nightly: REGRESSION against $accepted (see $out/ab-${METRIC:-cpu}.txt); accepted revision unchanged"
fi
exit "$status"
