"""Statistics over records: per configuration, speedups, allocator spread.

Only measured runs count (warm-ups are dropped) and only ok runs carry times;
failed runs are counted per configuration, never averaged in.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

from . import metrics
from .suite import Config

METRIC = "elapsed_s"  # STAMP's "Elapsed time": the routing phase only


def config_of(record: dict) -> Config:
    """The configuration a record measured: the harness's own note, else the record's fields."""
    h = record.get("harness") or {}
    if "config" in h:
        return Config.from_dict(h["config"])
    pm = record.get("private_memory") or {}
    mode = record.get("mode") or {}
    tm = record.get("tm") or {}
    return Config.from_dict({
        "input": (record.get("input") or {}).get("name", "?"), "tm": tm.get("name", "?"),
        "tm_opts": {}, "threads": record.get("threads", 0),
        "snapshot": mode.get("snapshot", "raw"), "private": mode.get("private", "direct"),
        # early records said "default" when no allocator was asked for, which is glibc
        "allocator": {None: "glibc", "default": "glibc"}.get(
            (record.get("allocator") or {}).get("requested"), (record.get("allocator") or {}).get("requested")),
        "private_memory": pm.get("source", "malloc"), "page_size": None})


def is_warmup(record: dict) -> bool:
    return bool((record.get("harness") or {}).get("warmup"))


def is_ok(record: dict) -> bool:
    return record.get("status") == "ok" and isinstance((record.get("time") or {}).get(METRIC), (int, float))


def tm_stat(record: dict, name: str) -> float | None:
    s = record.get("tm_stats") or {}
    if name == "aborts":
        parts = [s.get(k) for k in ("aborts_validation", "aborts_locked", "aborts_explicit", "aborts_other")]
        return float(sum(p for p in parts if p is not None)) if any(p is not None for p in parts) else None
    v = s.get(name)
    return float(v) if isinstance(v, (int, float)) else None


@dataclass
class Group:
    config: Config
    times: list[float] = field(default_factory=list)
    aborts: list[float] = field(default_factory=list)
    read_set: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)   # reasons, one per failed run
    no_metric: list[str] = field(default_factory=list)  # ok runs without the metric: why
    revisions: set = field(default_factory=set)


def group(records: list[dict], metric: str = "wall") -> dict[str, Group]:
    """Measured runs by configuration; `times` holds `metric` (metrics.py) of the ok runs."""
    groups: dict[str, Group] = {}
    for r in records:
        if is_warmup(r):
            continue
        cfg = config_of(r)
        g = groups.setdefault(cfg.key, Group(cfg))
        if r.get("git_revision"):
            g.revisions.add(r["git_revision"])
        if is_ok(r):
            v = metrics.value(r, metric)
            if v is None:
                g.no_metric.append(metrics.unavailable_reason(r, metric))
                continue
            g.times.append(v)
            for name, dest in (("aborts", g.aborts), ("read_set_mean", g.read_set)):
                v = tm_stat(r, name)
                if v is not None:
                    dest.append(v)
        else:
            g.failures.append((r.get("failure") or {}).get("reason", "unknown"))
    return groups


def describe(samples: list[float]) -> dict:
    """median, min, max, quartiles, IQR, mean, and the geometric mean with its 95%
    t-interval.  The interval is computed on log times: run times are positive and
    their noise multiplicative, and a plain t-interval on 3 skewed samples reaches
    below zero, which no run time can."""
    a = np.asarray(samples, dtype=float)
    n = len(a)
    if n == 0:
        return {"n": 0}
    q1, med, q3 = np.percentile(a, [25, 50, 75])
    logs = np.log(a)
    out = {"n": n, "median": float(med), "min": float(a.min()), "max": float(a.max()),
           "q1": float(q1), "q3": float(q3), "iqr": float(q3 - q1), "mean": float(a.mean()),
           "gmean": float(np.exp(logs.mean())), "ci95_low": None, "ci95_high": None}
    if n >= 2:
        sem = sps.sem(logs)
        if sem > 0:
            lo, hi = sps.t.interval(0.95, n - 1, loc=logs.mean(), scale=sem)
        else:
            lo = hi = logs.mean()
        out["ci95_low"], out["ci95_high"] = float(np.exp(lo)), float(np.exp(hi))
    return out


def median_of(xs):
    """The median of a list, None for an empty one (nothing measured)."""
    return float(np.median(xs)) if xs else None


def baseline_seq(groups: dict[str, Group], cfg: Config) -> Group | None:
    """The seq run to divide by: same input and memory setup, the same shape if
    measured, else STAMP's default shape, else any seq run of the input."""
    candidates = [g for g in groups.values() if g.config.tm == "seq" and g.config.threads == 1
                  and g.config.input == cfg.input and g.times]
    same_mem = [g for g in candidates if (g.config.allocator, g.config.private_memory, g.config.page_size)
                == (cfg.allocator, cfg.private_memory, cfg.page_size)] or candidates
    for want in ((cfg.snapshot, cfg.private), ("raw", "direct")):
        for g in same_mem:
            if (g.config.snapshot, g.config.private) == want:
                return g
    return same_mem[0] if same_mem else None


def baseline_one_thread(groups: dict[str, Group], cfg: Config) -> Group | None:
    d = cfg.as_dict()
    d["threads"] = 1
    g = groups.get(Config.from_dict(d).key)
    return g if g and g.times else None


def summary_rows(records: list[dict]) -> list[dict]:
    """One row per configuration, in a stable order (the summary.csv)."""
    groups = group(records)
    rows = []
    for key in sorted(groups):
        g = groups[key]
        c = g.config
        row = {"config": key, "input": c.input, "tm": c.tm,
               "tm_opts": ";".join(f"{k}={v}" for k, v in c.tm_opts),
               "env": ";".join(f"{k}={v}" for k, v in c.env), "threads": c.threads,
               "snapshot": c.snapshot, "private": c.private, "allocator": c.allocator,
               "private_memory": c.private_memory, "page_size": c.page_size or "",
               "runs_ok": len(g.times), "runs_failed": len(g.failures),
               "failure_reasons": ";".join(sorted(set(g.failures)))}
        d = describe(g.times)
        for k in ("median", "min", "max", "q1", "q3", "iqr", "mean", "gmean", "ci95_low", "ci95_high"):
            row[f"{k}_s"] = d.get(k)
        med = d.get("median")
        seq, one = baseline_seq(groups, c), baseline_one_thread(groups, c)
        row["speedup_vs_seq"] = median_of(seq.times) / med if seq and med else None
        row["speedup_vs_1thread"] = median_of(one.times) / med if one and med else None
        row["aborts_median"] = median_of(g.aborts)
        row["read_set_mean_median"] = median_of(g.read_set)
        row["revisions"] = ";".join(sorted(g.revisions))
        rows.append(row)
    return rows


def allocator_spread(records: list[dict]) -> list[dict]:
    """Per (input, tm, threads, shape): slowest / fastest allocator median - 1
    (Baldassin et al.'s measure), for groups with at least two allocators measured."""
    by: dict[tuple, dict[str, float]] = {}
    for g in group(records).values():
        if not g.times:
            continue
        c = g.config
        k = (c.input, c.tm, ";".join(f"{a}={b}" for a, b in c.tm_opts + c.env), c.threads, c.snapshot,
             c.private, c.private_memory, c.page_size or "")
        by.setdefault(k, {})[c.allocator] = median_of(g.times)
    rows = []
    for k in sorted(by, key=str):
        meds = by[k]
        if len(meds) < 2:
            continue
        slow, fast = max(meds, key=meds.get), min(meds, key=meds.get)
        rows.append({"input": k[0], "tm": k[1], "tm_opts": k[2], "threads": k[3], "snapshot": k[4],
                     "private": k[5], "private_memory": k[6], "page_size": k[7],
                     "allocators": len(meds), "fastest": fast, "slowest": slow,
                     "spread": meds[slow] / meds[fast] - 1.0})
    return rows


def fmt(x, digits=3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"
    return str(x)
