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
      [--set NAME] [--base-bin OTHER/labyrinth] [--against LABEL]

--base-bin runs every configuration with a second binary too (rows marked
"base"), interleaved with the first.  --against LABEL adds, per row, the CPU
time relative to the row with that label, the same thread count and binary,
taken round by round (median and range over the rounds: a ratio within a
round is steadier than a ratio of medians on a busy machine).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# (label, --tm, threads, extra args, environment)
# raw, tracked and released at one and two threads (the machine has two
# cores): the per-read costs of tm/README.md, "Where the time goes, per read".
SNAPSHOTS = [(f"stm {s}", "stm", t, ["--snapshot", s], {}) for t in (1, 2) for s in ("raw", "tracked", "released")]
CONFIGS = {
    "default": [
        ("seq", "seq", 1, [], {}),
        ("stm", "stm", 1, [], {}),
        ("stm", "stm", 2, [], {}),
        ("stm", "stm", 4, [], {}),
        ("stm", "stm", 8, [], {}),
    ],
    "shapes": SNAPSHOTS + [
        ("stm tracked", "stm", 4, ["--snapshot", "tracked"], {}),
        ("stm released", "stm", 4, ["--snapshot", "released"], {}),
    ],
    "snapshots": SNAPSHOTS,
    "snapshots1": SNAPSHOTS[:3],
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


def cpu_s(rec):
    return rec["time"]["user_s"] + rec["time"]["sys_s"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--bin", default="build/rel/bin/labyrinth")
    ap.add_argument("--base-bin", help="a second binary, run interleaved with --bin (rows marked base)")
    ap.add_argument("--set", choices=sorted(CONFIGS), default="default")
    ap.add_argument("--against", help="label of the row each row's CPU time is compared with, round by round")
    a = ap.parse_args()
    bins = [("", a.bin)] + ([("base ", a.base_bin)] if a.base_bin else [])
    cfgs = [(tag, b, c) for c in CONFIGS[a.set] for tag, b in bins]
    recs = [[] for _ in cfgs]
    for _ in range(a.reps):
        for i, (_, b, c) in enumerate(cfgs):
            recs[i].append(run(b, a.input, c))
    base = statistics.median(r["time"]["elapsed_s"] for r in recs[0])
    print(f"input {os.path.basename(a.input)}, {a.reps} runs each, interleaved; "
          f"relative = median / median of the first row")
    ratio_head = f" CPU / {a.against} (median, range) |" if a.against else ""
    print("| runtime | threads | median s | spread | relative | median CPU s (user+sys) | CPU spread | copy s | "
          f"aborts (median) | read set max | read set mean | released |{ratio_head}")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if a.against else ""))
    for (tag, b, c), rs in zip(cfgs, recs):
        t = [r["time"]["elapsed_s"] for r in rs]
        s = [r["tm_stats"] for r in rs]
        cpu = [cpu_s(r) for r in rs]
        med = statistics.median(t)
        row = (f"| {tag}{c[0]} | {c[2]} | {med:.3f} | {max(t) / min(t) - 1:.0%} | {med / base:.2f} | "
               f"{statistics.median(cpu):.3f} | {max(cpu) / min(cpu) - 1:.0%} | "
               f"{statistics.median(r['time']['copy_s'] for r in rs):.3f} | "
               f"{statistics.median(x['aborts'] for x in s):.0f} | {max(x['read_set_max'] for x in s)} | "
               f"{statistics.median(x['read_set_mean'] for x in s):.0f} | {statistics.median(x['released'] for x in s):.0f} |")
        if a.against:
            ref = next((j for j, (t2, b2, c2) in enumerate(cfgs) if c2[0] == a.against and c2[2] == c[2] and b2 == b), None)
            if ref is None:
                row += " - |"
            else:
                q = [cpu_s(x) / cpu_s(y) for x, y in zip(rs, recs[ref])]
                row += f" {statistics.median(q):.3f} ({min(q):.3f}-{max(q):.3f}) |"
        print(row)


if __name__ == "__main__":
    main()
