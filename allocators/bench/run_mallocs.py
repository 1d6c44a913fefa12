#!/usr/bin/python3
"""Runs alloc_bench once per malloc (alloc_bench --allocator NAME re-executes
itself with that malloc preloaded and refuses to run if another one serves),
in interleaved rounds, and prints per benchmark the median real time per
malloc, its spread over the rounds ((max - min) / median) and its ratio to
glibc.  The machine is shared: compare ratios taken side by side, not
absolute times across sessions.

  allocators/bench/run_mallocs.py [--bin build/rel/bin/alloc_bench] [--rounds 5]
                                  [--filter REGEX]... [--min-time 0.1] [--json OUT]
"""
import argparse
import json
import statistics
import subprocess
import sys
from collections import defaultdict


def allocators(binary):
    out = subprocess.run([binary, "--list-allocators"], check=True, capture_output=True, text=True).stdout
    return [line.split("\t")[0] for line in out.splitlines() if line]


def run_once(binary, alloc, bench_filter, min_time):
    cmd = [binary, "--allocator", alloc, "--benchmark_format=json", f"--benchmark_filter={bench_filter}",
           f"--benchmark_min_time={min_time}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"run_mallocs: {' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.strip()}")
    doc = json.loads(proc.stdout)
    assert doc["context"]["malloc"] == alloc, doc["context"]
    times = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") != "iteration" or b.get("error_occurred"):
            continue
        times.setdefault(b["run_name"], []).append(b["real_time"])  # repetitions: keep all
        times[b["run_name"] + "#unit"] = b["time_unit"]
        if "faults_per_iter" in b:
            times.setdefault(b["run_name"] + "#faults", []).append(b["faults_per_iter"])
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/rel/bin/alloc_bench")
    ap.add_argument("--rounds", type=int, default=5)
    # Each group runs in a process of its own, so that what one benchmark left
    # in the malloc's caches does not serve the next.
    ap.add_argument("--filter", action="append",
                    help="benchmark regex; repeat for several processes (default: all, in 5 groups)")
    ap.add_argument("--min-time", default="0.1")
    ap.add_argument("--json", help="write every sample here")
    args = ap.parse_args()
    groups = args.filter or ["BM_malloc_page|BM_aligned_alloc_page|BM_allocpage_atomic",
                             "BM_first_touch_malloc_fresh", "BM_first_touch_malloc$", "BM_first_touch_allocpage",
                             "BM_copy"]

    names = allocators(args.bin)
    samples = defaultdict(lambda: defaultdict(list))  # bench -> alloc -> [time]
    faults = defaultdict(lambda: defaultdict(list))
    units = {}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[:r % len(names)]  # rotate: no malloc always first
        for alloc, group in ((a, g) for g in groups for a in order):
            for key, val in run_once(args.bin, alloc, group, args.min_time).items():
                if key.endswith("#unit"):
                    units[key[:-5]] = val
                elif key.endswith("#faults"):
                    faults[key[:-7]][alloc] += val
                else:
                    samples[key][alloc] += val
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    print(f"{'benchmark':55} {'malloc':10} {'median':>10} {'unit':4} {'spread':>7} {'vs glibc':>8} {'faults':>8}")
    for bench in sorted(samples):
        base = statistics.median(samples[bench]["glibc"]) if samples[bench].get("glibc") else None
        for alloc in names:
            xs = samples[bench].get(alloc)
            if not xs:
                continue
            med = statistics.median(xs)
            spread = (max(xs) - min(xs)) / med if med else 0.0
            ratio = f"{med / base:8.2f}" if base else "       -"
            f = faults[bench].get(alloc)
            fs = f"{statistics.median(f):8.0f}" if f else "       -"
            print(f"{bench:55} {alloc:10} {med:10.1f} {units.get(bench, ''):4} {spread:7.1%} {ratio} {fs}")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"samples": samples, "faults": faults, "units": units}, out, indent=1)


if __name__ == "__main__":
    main()
