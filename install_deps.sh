#!/usr/bin/env bash
# Installs the Debian packages labyrinth-bench needs, only those missing.
# Used by both README commands (run_all.sh, tests/run_tests.sh).
#   --tests  also what only the tests need: Debian's Chromium (the HTML report rendered
#            headless) and Debian's Slurm and munge, for the test
#            that runs `harness slurm` on a one-node cluster on localhost.  Not by
#            default: on a real cluster's nodes, Debian's Slurm would sit beside the
#            site's own (its sbatch first in PATH, its /etc/slurm).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev libfuzzer-14-dev   # fuzz target and sanitizers
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libssl-dev   # JSON records, command line, sha256 of inputs
  libtbb-dev libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev
  python3 python3-matplotlib python3-numpy python3-scipy python3-tqdm python3-jsonschema
  libbenchmark-tools                           # Google Benchmark's compare.py: a test reads our export with it
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(slurmctld slurmd slurm-client munge)
  packages+=(chromium)   # renders report.html headless in tests/harness/test_report_html.py
elif [ $# -gt 0 ]; then
  echo "install_deps.sh: unknown argument '$1' (only --tests)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install_deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "install_deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install_deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
