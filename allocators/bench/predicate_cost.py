#!/usr/bin/python3
"""What the private predicate costs: `--tm stm --private instrumented` with the
private memory from malloc (range predicate) and from allocpage (exclusive
pages), for one or more labyrinth binaries, side by side.  Each round runs
every (binary, source) once, in rotated order; reported per configuration are
the median CPU time of the routing phase (record time.user_s + sys_s) and,
with --callgrind, callgrind's instruction count of the whole process (same
input and setup for both sources, so differences are the routing's), each
also as a ratio to malloc on the same binary.  Every record must say ok and
verified, or the script stops.

  allocators/bench/predicate_cost.py --input FILE --bin NAME=PATH [--bin ...]
      [--rounds 7] [--threads 1] [--page-size 4k] [--callgrind]
"""
import argparse
import json
import re
import statistics
import subprocess
import sys

SOURCES = ["malloc", "allocpage"]


def command(path, source, args):
    cmd = [path, "-i", args.input, "--tm", "stm", "--private", "instrumented", "-t", str(args.threads),
           "--private-memory", source, "--json", "-"]
    if source == "allocpage":
        cmd += ["--page-size", args.page_size]
    return cmd


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    rec = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
    if p.returncode != 0 or rec.get("status") != "ok" or not rec["result"]["verified"]:
        sys.exit(f"predicate_cost: {' '.join(cmd)} did not verify (exit {p.returncode}): {p.stderr[-500:]}")
    return rec["time"]["user_s"] + rec["time"]["sys_s"]


def instructions(cmd):
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd,
                       capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        sys.exit(f"predicate_cost: callgrind failed on {' '.join(cmd)}: {p.stderr[-500:]}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", required=True)
    ap.add_argument("--bin", action="append", required=True, help="NAME=PATH of a labyrinth binary")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--page-size", default="4k")
    ap.add_argument("--callgrind", action="store_true")
    args = ap.parse_args()
    bins = [b.split("=", 1) for b in args.bin]
    configs = [(n, p, s) for n, p in bins for s in SOURCES]
    cpu = {(n, s): [] for n, _, s in configs}
    for r in range(args.rounds):
        k = r % len(configs)
        for n, p, s in configs[k:] + configs[:k]:
            cpu[(n, s)].append(run(command(p, s, args)))
    print(f"{args.input}, stm -t {args.threads} --private instrumented, {args.rounds} rounds", flush=True)
    ir = {(n, s): instructions(command(p, s, args)) for n, p, s in configs} if args.callgrind else {}
    print("| binary | private memory | cpu s (median) | cpu ratio | cpu ratio range | instructions | instr. ratio |")
    print("|---|---|---|---|---|---|---|")
    for n, _, s in configs:
        med, base = statistics.median(cpu[(n, s)]), statistics.median(cpu[(n, "malloc")])
        # Per round, this source against malloc of the same round: the spread of the paired ratios.
        pairs = [a / b for a, b in zip(cpu[(n, s)], cpu[(n, "malloc")])]
        irs = f"{ir[(n, s)]:,} | {ir[(n, s)] / ir[(n, 'malloc')]:.3f}" if ir else "- | -"
        print(f"| {n} | {s} | {med:.3f} | {med / base:.3f} | {min(pairs):.3f}-{max(pairs):.3f} | {irs} |")


if __name__ == "__main__":
    main()
