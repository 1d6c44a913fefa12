#!/usr/bin/python3
"""Labyrinth under each TM runtime and shape, side by side, repeated.

Runs build/<config>/bin/labyrinth for every configuration below, the
repetitions interleaved (run 1 of every configuration, then run 2, ...) so
that a busy shared machine slows all of them alike, and prints one markdown
table: median elapsed routing time, spread (slowest/fastest - 1), median
time relative to the first row, median CPU time (user+sys: on a loaded
machine a steadier measure of one thread's work than wall time), aborts and
read-set sizes from the result records.  Every run must verify, or the script stops.

  tm/bench/labyrinth_tm_compare.py INPUT [--reps 3] [--bin build/rel/bin/labyrinth]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# (label, --tm, threads, extra args, environment)
CONFIGS = {
    "default": [
        ("seq", "seq", 1, [], {}),
        ("stm", "stm", 1, [], {}),
        ("stm", "stm", 2, [], {}),
        ("stm", "stm", 4, [], {}),
        ("stm", "stm", 8, [], {}),
    ],
    "shapes": [
        ("stm raw", "stm", 1, ["--snapshot", "raw"], {}),
        ("stm tracked", "stm", 1, ["--snapshot", "tracked"], {}),
        ("stm released", "stm", 1, ["--snapshot", "released"], {}),
        ("stm raw", "stm", 2, ["--snapshot", "raw"], {}),
        ("stm tracked", "stm", 2, ["--snapshot", "tracked"], {}),
        ("stm released", "stm", 2, ["--snapshot", "released"], {}),
        ("stm tracked", "stm", 4, ["--snapshot", "tracked"], {}),
        ("stm released", "stm", 4, ["--snapshot", "released"], {}),
    ],
    "runtimes": [
        ("seq", "seq", 1, [], {}),
        ("lock", "lock", 1, [], {}),
        ("lock", "lock", 2, [], {}),
        ("tbb", "tbb", 1, [], {}),
        ("tbb", "tbb", 2, [], {}),
        ("stm", "stm", 1, [], {}),
        ("stm", "stm", 2, [], {}),
        ("itm ml_wt", "itm", 1, [], {"ITM_DEFAULT_METHOD": "ml_wt"}),
        ("itm ml_wt", "itm", 2, [], {"ITM_DEFAULT_METHOD": "ml_wt"}),
        ("itm gl_wt", "itm", 1, [], {"ITM_DEFAULT_METHOD": "gl_wt"}),
        ("itm gl_wt", "itm", 2, [], {"ITM_DEFAULT_METHOD": "gl_wt"}),
        ("itm serialirr", "itm", 1, [], {"ITM_DEFAULT_METHOD": "serialirr"}),
        ("itm serialirr", "itm", 2, [], {"ITM_DEFAULT_METHOD": "serialirr"}),
    ],
}


def run(binary, inp, cfg):
    label, tm, threads, extra, env = cfg
    cmd = [binary, "-i", inp, "--tm", tm, "-t", str(threads), "--json", "-"] + extra
    e = dict(os.environ)
    e.pop("ITM_DEFAULT_METHOD", None)
    e.update(env)
    out = subprocess.run(cmd, env=e, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    rec = json.loads(out.stdout.strip().splitlines()[-1])
    if not rec["result"]["verified"]:
        sys.exit(f"not verified: {' '.join(cmd)}")
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--bin", default="build/rel/bin/labyrinth")
    ap.add_argument("--set", choices=sorted(CONFIGS), default="default")
    a = ap.parse_args()
    cfgs = CONFIGS[a.set]
    recs = [[] for _ in cfgs]
    for _ in range(a.reps):
        for i, c in enumerate(cfgs):
            recs[i].append(run(a.bin, a.input, c))
    base = statistics.median(r["time"]["elapsed_s"] for r in recs[0])
    print(f"input {os.path.basename(a.input)}, {a.reps} runs each, interleaved; "
          f"relative = median / median of the first row")
    print("| runtime | threads | median s | spread | relative | median CPU s (user+sys) | aborts (median) | read set max | read set mean | released |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for c, rs in zip(cfgs, recs):
        t = [r["time"]["elapsed_s"] for r in rs]
        s = [r["tm_stats"] for r in rs]
        med = statistics.median(t)
        cpu = statistics.median(r["time"]["user_s"] + r["time"]["sys_s"] for r in rs)
        print(f"| {c[0]} | {c[2]} | {med:.3f} | {max(t) / min(t) - 1:.0%} | {med / base:.2f} | {cpu:.3f} | "
              f"{statistics.median(x['aborts'] for x in s):.0f} | {max(x['read_set_max'] for x in s)} | "
              f"{statistics.median(x['read_set_mean'] for x in s):.0f} | {statistics.median(x['released'] for x in s):.0f} |")


if __name__ == "__main__":
    main()
