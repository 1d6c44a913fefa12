"""A suite's results as Google Benchmark JSON, the format github-action-benchmark,
Bencher and Google Benchmark's own tools/compare.py read.

- `context`: the machine (CPU, cores, caches from machine.json, load average), the suite
  and the revision, as Google Benchmark's own context block names them where it has a name;
- `benchmarks`: per configuration (the name is its key) one `iteration` entry per measured
  repetition (`real_time` the routing phase's wall time, `cpu_time` its user + sys time, in
  ms; counters `aborts`, `peak_rss_kb`, and `instructions` where the record has hardware
  counters: an unavailable counter is left out, never 0), then the `aggregate` entries
  mean, median, stddev and cv over them.  A failed run is an entry with `error_occurred`,
  as Google Benchmark writes a benchmark that skipped with an error.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from . import metrics, stats

MS = 1000.0


def _counters(r: dict) -> dict:
    out = {}
    aborts = stats.tm_stat(r, "aborts")
    if aborts is not None:
        out["aborts"] = aborts
    rss = (r.get("memory") or {}).get("peak_rss_kb")
    if isinstance(rss, (int, float)):
        out["peak_rss_kb"] = float(rss)
    ins = metrics.value(r, "instructions")
    if ins is not None:
        out["instructions"] = ins
    return out


def context(records: list[dict], machine: dict, suite: str) -> dict:
    stamps = sorted(r["timestamp"] for r in records if r.get("timestamp"))
    revs = sorted({r["git_revision"] for r in records if r.get("git_revision")})
    m = next((r.get("machine") for r in records if r.get("machine")), {}) or {}
    return {
        "date": stamps[-1] if stamps else None,
        "host_name": machine.get("hostname") or m.get("hostname"),
        "executable": "labyrinth",
        "num_cpus": machine.get("cores") or m.get("cores"),
        "mhz_per_cpu": 0,  # not measured: Google Benchmark's own field, kept for readers that need it
        "caches": machine.get("caches", []),
        "load_avg": machine.get("loadavg", []),
        "library_build_type": "release",
        # ours: what makes two exports comparable (harness/comparable.py)
        "labyrinth_bench": {"suite": suite, "revisions": revs, "cpu": m.get("cpu") or machine.get("cpu"),
                            "kernel": m.get("kernel") or machine.get("kernel"), "thp": m.get("thp"),
                            "compiler": m.get("compiler"), "time": "routing phase (time.elapsed_s); "
                            "cpu_time: time.user_s + time.sys_s"},
    }


def _aggregate(name: str, rows: list[dict], threads: int, n: int) -> list[dict]:
    out = []
    real = [r["real_time"] for r in rows]
    cpu = [r["cpu_time"] for r in rows]
    funcs = {"mean": statistics.fmean, "median": statistics.median}
    if n >= 2:
        funcs["stddev"] = statistics.stdev
    for agg, f in funcs.items():
        out.append({"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate", "repetitions": n,
                    "threads": threads, "aggregate_name": agg, "aggregate_unit": "time", "iterations": n,
                    "real_time": f(real), "cpu_time": f(cpu), "time_unit": "ms"})
    if n >= 2:
        out.append({"name": f"{name}_cv", "run_name": name, "run_type": "aggregate", "repetitions": n,
                    "threads": threads, "aggregate_name": "cv", "aggregate_unit": "percentage", "iterations": n,
                    "real_time": statistics.stdev(real) / statistics.fmean(real),
                    "cpu_time": statistics.stdev(cpu) / statistics.fmean(cpu), "time_unit": "ms"})
    return out


def export(records: list[dict], machine: dict, suite: str) -> dict:
    by: dict[str, list[dict]] = {}
    for r in records:
        if stats.is_warmup(r):
            continue
        by.setdefault(stats.config_of(r).key, []).append(r)
    benchmarks = []
    for family, key in enumerate(sorted(by)):
        runs = sorted(by[key], key=lambda r: (r.get("harness") or {}).get("repetition", 0))
        threads = stats.config_of(runs[0]).threads
        ok_rows = []
        for i, r in enumerate(runs):
            entry = {"name": key, "family_index": family, "per_family_instance_index": 0, "run_name": key,
                     "run_type": "iteration", "repetitions": len(runs), "repetition_index": i,
                     "threads": threads, "iterations": 1, "time_unit": "ms"}
            wall, cpu = metrics.value(r, "wall"), metrics.value(r, "cpu")
            if stats.is_ok(r) and wall is not None and cpu is not None:
                entry.update(real_time=wall * MS, cpu_time=cpu * MS, **_counters(r))
                ok_rows.append(entry)
            else:
                f = r.get("failure") or {}
                entry.update(real_time=0, cpu_time=0, error_occurred=True,
                             error_message=f"{f.get('reason', 'failed')}: {f.get('message', '')}"[:300])
            benchmarks.append(entry)
        if ok_rows:
            benchmarks += _aggregate(key, ok_rows, threads, len(ok_rows))
    return {"context": context(records, machine, suite), "benchmarks": benchmarks}


def export_dir(result_dir: Path, records: list[dict]) -> dict:
    try:
        machine = json.loads((Path(result_dir) / "machine.json").read_text())
    except (OSError, json.JSONDecodeError):
        machine = {}
    suite = next(((r.get("harness") or {}).get("suite") for r in records if (r.get("harness") or {}).get("suite")),
                 Path(result_dir).name)
    return export(records, machine, suite)
