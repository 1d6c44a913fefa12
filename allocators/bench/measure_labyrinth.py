#!/usr/bin/python3
"""Labyrinth per allocator and per private-memory source, measured side by
side: every configuration runs once per round, rounds repeat with the order
rotated, and each configuration is reported as the median of its rounds with
its own spread ((max - min) / median) and its ratio to the glibc/malloc run of
the same runtime and thread count.  Per group, "spread" is slowest / fastest
- 1 over the medians (Baldassin et al.'s measure).  Every record must say ok,
verified, and the malloc asked for; anything else stops the script.

  allocators/bench/measure_labyrinth.py --input FILE [--bin build/rel/bin/labyrinth]
      [--rounds 7] [--runs seq:1,lock:2] [--json OUT]
"""
import argparse
import json
import statistics
import subprocess
import sys

ALLOCATORS = ["glibc", "jemalloc", "mimalloc", "tbbmalloc", "tcmalloc"]


def configs(runs):
    out = []
    for tm, threads in runs:
        # Figure 1: the malloc, private memory from it, STAMP's default shape.
        for a in ALLOCATORS:
            out.append({"group": f"malloc {tm} t{threads}", "tm": tm, "threads": threads, "allocator": a,
                        "private_memory": "malloc", "page": None, "private": "direct"})
        # Where the private grid lives: malloc vs allocpage pages, per access shape.
        for private in ("direct", "instrumented"):
            for src, page in (("malloc", None), ("allocpage", "4k"), ("allocpage", "2m")):
                out.append({"group": f"private {private} {tm} t{threads}", "tm": tm, "threads": threads,
                            "allocator": "glibc", "private_memory": src, "page": page, "private": private})
    return out


def name(c):
    mem = c["private_memory"] + (f"-{c['page']}" if c["page"] else "")
    return f"{c['tm']} t{c['threads']} {c['allocator']:9} {mem:12} {c['private']}"


def run(binary, inp, c, rep):
    cmd = [binary, "-i", inp, "--json", "-", "--tm", c["tm"], "-t", str(c["threads"]), "--allocator",
           c["allocator"], "--private-memory", c["private_memory"], "--private", c["private"],
           "--repetition", str(rep)]
    if c["page"]:
        cmd += ["--page-size", c["page"]]
    p = subprocess.run(cmd, capture_output=True, text=True)
    rec = json.loads(p.stdout.splitlines()[0]) if p.stdout else None
    if p.returncode != 0 or not rec or rec["status"] != "ok" or not rec["result"]["verified"] \
            or rec["allocator"]["detected"] != c["allocator"]:
        sys.exit(f"measure_labyrinth: {' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()[-500:]}")
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/rel/bin/labyrinth")
    ap.add_argument("--input", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--runs", default="seq:1,lock:2", help="TM:THREADS,... (e.g. seq:1,stm:1,stm:2)")
    ap.add_argument("--only", default="", help="run only groups whose name contains this")
    ap.add_argument("--json", help="write every record here (JSON lines)")
    ap.add_argument("--replay", help="analyse the records of an earlier --json instead of running")
    args = ap.parse_args()
    runs = [(r.split(":")[0], int(r.split(":")[1])) for r in args.runs.split(",")]
    cs = [c for c in configs(runs) if args.only in c["group"]]
    samples = {name(c): [] for c in cs}
    unique = list({name(c): c for c in cs}.values())  # a configuration in two groups runs once per round
    out = open(args.json, "w") if args.json else None
    if args.replay:
        by_name = {name(c): c for c in cs}
        for line in open(args.replay):
            rec = json.loads(line)
            c = {"tm": rec["tm"]["name"], "threads": rec["threads"], "allocator": rec["allocator"]["requested"],
                 "private_memory": rec["private_memory"]["source"], "private": rec["mode"]["private"],
                 "page": {4096: "4k", 2097152: "2m", 1073741824: "1g"}.get(rec["private_memory"]["page_size"])}
            if name(c) in by_name:
                samples[name(c)].append(rec)
        args.rounds = max(len(v) for v in samples.values())
    for r in range(0 if args.replay else args.rounds):
        k = (r * 5) % len(unique)
        for c in unique[k:] + unique[:k]:
            rec = run(args.bin, args.input, c, r)
            samples[name(c)].append(rec)
            if out:
                out.write(json.dumps(rec) + "\n")
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    def med(recs, f):
        return statistics.median(f(x) for x in recs)

    print(f"input {args.input}, {args.rounds} rounds, interleaved; routing phase only: wall = elapsed_s, "
          f"cpu = user_s + sys_s (less sensitive to being descheduled on a shared machine)")
    print(f"{'configuration':50} {'wall s':>7} {'spread':>7} {'ratio':>6} {'cpu s':>7} {'spread':>7} {'ratio':>6} "
          f"{'copy s':>7} {'faults':>7} {'page':>8}")
    cpu = lambda x: x["time"]["user_s"] + x["time"]["sys_s"]
    for group in dict.fromkeys(c["group"] for c in cs):
        members = [c for c in cs if c["group"] == group]
        base = cbase = None
        meds, cmeds = [], []
        for c in members:
            recs = samples[name(c)]
            ts = [x["time"]["elapsed_s"] for x in recs]
            cs_ = [cpu(x) for x in recs]
            m, cm = statistics.median(ts), statistics.median(cs_)
            base, cbase = base or m, cbase or cm
            meds.append(m)
            cmeds.append(cm)
            print(f"{name(c):50} {m:7.3f} {(max(ts) - min(ts)) / m:7.1%} {m / base:6.3f} "
                  f"{cm:7.3f} {(max(cs_) - min(cs_)) / cm:7.1%} {cm / cbase:6.3f} "
                  f"{med(recs, lambda x: x['time']['copy_s']):7.3f} "
                  f"{med(recs, lambda x: x['memory']['minor_faults']):7.0f} "
                  f"{str(recs[0]['private_memory']['page_size']):>8}")
        print(f"  {group}: spread slowest/fastest - 1 = {max(meds) / min(meds) - 1:.1%} (wall), "
              f"{max(cmeds) / min(cmeds) - 1:.1%} (cpu)\n")


if __name__ == "__main__":
    main()
