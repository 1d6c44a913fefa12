"""Statistics over records: per configuration, speedups, allocator spread.

Grouping by configuration is the records package's (records/group.py): only
measured runs count and only ok runs carry times; failed runs are counted per
configuration, never averaged in.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from records import (AXES, MEASURES, METRIC, Config, Group, config_of, default_of, is_ok, is_warmup,  # noqa: F401
                     measure, median_of, tm_stat)
from records import group as _group_by_config

from . import effects, metrics


def group(records: list[dict], metric: str = "wall") -> dict[str, Group]:
    """Measured runs by configuration; `times` holds `metric` (metrics.py) of the ok runs."""
    return _group_by_config(records, lambda r: metrics.value(r, metric),
                            lambda r: metrics.unavailable_reason(r, metric))


def measure_columns() -> dict[str, tuple[str, str]]:
    """summary.csv's median columns beside the time, from the schema's measures
    (records.MEASURES): `NAME_median` for each (the routing time is median_s)."""
    cols = {f"{name}_median": (section, name) for section, names in MEASURES.items() for name in names
            if (section, name) != ("time", METRIC)}
    assert len(cols) == sum(map(len, MEASURES.values())) - 1, "two measures of one name"
    return cols


def _sys_time(r: dict):
    v = (r.get("time") or {}).get("sys_s")
    return float(v) if isinstance(v, (int, float)) else None


def extra_medians(records: list[dict]) -> dict[str, dict]:
    """config key -> medians of what summary.csv carries beside the time (ok, measured
    runs; empty where no run has the number): CPU time (user + sys) and sys time by their
    own names, and every measure the schema declares (records.MEASURES: memory, TM
    statistics, memory system calls, counters ...)."""
    out: dict[str, dict] = {key: {"cpu_median_s": median_of(g.times)} for key, g in group(records, "cpu").items()}
    measures = measure_columns()
    for key, g in _group_by_config(records, lambda r: r).items():  # the ok records themselves
        row = out.setdefault(key, {"cpu_median_s": None})
        row["sys_median_s"] = median_of([v for r in g.times if (v := _sys_time(r)) is not None])
        for col, (section, name) in measures.items():
            row[col] = median_of([v for r in g.times if (v := measure(r, section, name)) is not None])
    return out


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


def baseline_seq(groups: dict[str, Group], cfg: Config) -> Group | None:
    """The seq run to divide by: same input and memory setup, the same shape if
    measured, else STAMP's default shape, else any seq run of the input."""
    candidates = [g for g in groups.values() if g.config.tm == "seq" and g.config.threads == 1
                  and g.config.input == cfg.input and g.times]
    same_mem = [g for g in candidates if (g.config.allocator, g.config.private_memory, g.config.page_size)
                == (cfg.allocator, cfg.private_memory, cfg.page_size)] or candidates
    for want in ((cfg.snapshot, cfg.private), (default_of("snapshot"), default_of("private"))):
        for g in same_mem:
            if (g.config.snapshot, g.config.private) == want:
                return g
    return same_mem[0] if same_mem else None


def baseline_one_thread(groups: dict[str, Group], cfg: Config) -> Group | None:
    d = cfg.as_dict()
    d["threads"] = 1
    g = groups.get(Config.from_dict(d).key)
    return g if g and g.times else None


def axis_columns(c: Config) -> dict:
    """One column per axis of the schema (maps as K=V;...; an unset value empty)."""
    out = {}
    for a in AXES:
        v = getattr(c, a["name"])
        out[a["name"]] = ";".join(f"{k}={x}" for k, x in v) if isinstance(v, tuple) else ("" if v is None else v)
    return out


def summary_rows(records: list[dict]) -> list[dict]:
    """One row per configuration, in a stable order (the summary.csv)."""
    groups = group(records)
    extras = extra_medians(records)
    rows = []
    for key in sorted(groups):
        g = groups[key]
        c = g.config
        row = {"config": key}
        row.update(axis_columns(c))
        row.update({"runs_ok": len(g.times), "runs_failed": len(g.failures),
                    "failure_reasons": ";".join(sorted(set(g.failures)))})
        d = describe(g.times)
        for k in ("median", "min", "max", "q1", "q3", "iqr", "mean", "gmean", "ci95_low", "ci95_high"):
            row[f"{k}_s"] = d.get(k)
        row["spread"] = d["max"] / d["min"] - 1 if d.get("min") else None  # slowest / fastest run - 1
        med = d.get("median")
        seq, one = baseline_seq(groups, c), baseline_one_thread(groups, c)
        for name, base in (("speedup_vs_seq", seq), ("speedup_vs_1thread", one)):
            # median(base) / median(this), with a bootstrap 95% interval (none below 3 runs a side)
            est, lo, hi = effects.ratio_of_medians(base.times, g.times) if base and med else (None,) * 3
            row[name], row[f"{name}_ci_low"], row[f"{name}_ci_high"] = est, lo, hi
        row.update({col: extras.get(key, {}).get(col) for col in ["cpu_median_s", "sys_median_s", *measure_columns()]})
        row["revisions"] = ";".join(sorted(g.revisions))
        rows.append(row)
    return rows


def allocator_spread(records: list[dict]) -> list[dict]:
    """Per (input, tm, threads, shape): slowest / fastest allocator median - 1
    (Baldassin et al.'s measure), for groups with at least two allocators measured."""
    by: dict[tuple, dict[str, list[float]]] = {}
    for g in group(records).values():
        if not g.times:
            continue
        cols = axis_columns(g.config)
        del cols["allocator"]
        by.setdefault(tuple(cols.items()), {})[g.config.allocator] = g.times
    rows = []
    for k in sorted(by, key=str):
        samples = by[k]
        if len(samples) < 2:
            continue
        meds = {a: median_of(t) for a, t in samples.items()}
        slow, fast = max(meds, key=meds.get), min(meds, key=meds.get)
        # the spread with a bootstrap 95% interval over each allocator's runs (none below 3 runs)
        est, lo, hi = effects.spread(samples)
        rows.append(dict(k) | {"allocators": len(meds), "fastest": fast, "slowest": slow,
                               "spread": est, "spread_ci_low": lo, "spread_ci_high": hi,
                               "runs_min": min(len(t) for t in samples.values())})
    return rows


def spread_columns(rows: list[dict]) -> list[str]:
    """The axis columns that tell allocator_spread rows apart: input, runtime, threads and
    the access shape always, and every other axis whose value differs between the rows (the
    private-memory lifetime, a runtime option, the filter...), so no two rows read alike."""
    always = ["input", "tm", "threads", "snapshot", "private"]
    return always + [a["name"] for a in AXES if a["name"] not in always and a["name"] != "allocator"
                     and len({str(r.get(a["name"])) for r in rows}) > 1]


def fmt(x, digits=3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float):
        return f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"
    return str(x)
