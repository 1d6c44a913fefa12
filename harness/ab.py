"""harness ab: paired A/B runs of one suite with two builds, the method for nightly gating.

Both builds run in one session, interleaved configuration by configuration: each
round visits every configuration in a fresh seeded shuffle, and for each runs BASE
and NEW back to back, in a random order.  Whatever the machine does (another job
starts, the clock steps down) lands on both sides of a pair alike, and the paired
ratio NEW/BASE cancels it.  Per configuration:

- the ratio: geometric mean of the paired ratios (the mean of log ratios; a ratio
  of run times is multiplicative);
- its bootstrap confidence interval (scipy.stats.bootstrap over the pairs, Hesterberg's
  expanded percentile interval, which holds its level with few pairs), 95% simultaneous
  over the suite's m configurations: each interval is taken at level 1 - 0.05/m
  (Bonferroni), so the chance that any unchanged configuration of the suite is called a
  regression or an improvement stays near 5% per session, not 5% per configuration (a
  same-build session of the 49-configuration `quick` suite under heavy load gave 5 such
  false verdicts with plain per-configuration 95% intervals);
- a verdict at the threshold t, by `compare`'s rule on the paired interval:
  `regression` when the change is real (the interval lies above 1) and beyond the
  threshold (ratio above 1 + t), `improvement` likewise below, `no change` when the
  interval lies within [1 - t, 1 + t], else `inconclusive` (the interval is too wide
  to decide), with the repetitions that would narrow it enough (the half-width
  shrinks as 1/sqrt(n)).

The exit status gates: 1 if a configuration regressed or fails with NEW only.
"""
from __future__ import annotations

import json
import math
import random
import signal
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import stats as sps

from . import comparable, inputs, machine, metrics, report, runner, session, store
from .suite import Run, Suite

REGRESSION, IMPROVEMENT, NO_CHANGE, INCONCLUSIVE, NEW_FAILURE, BOTH_FAIL = (
    "regression", "improvement", "no change", "inconclusive", "FAILING with NEW", "failed in both")
GATING = {REGRESSION, NEW_FAILURE}
SIDES = ("base", "new")


def plan(suite: Suite, seed: int) -> list[tuple]:
    """(config, repetition, warmup, first side) in execution order: warm-up rounds, then one
    round per repetition; each round a seeded shuffle, each pair in a seeded random order."""
    rng = random.Random(seed)
    order = []
    rounds = [(-(w + 1), True) for w in range(suite.warmup)] + [(r, False) for r in range(suite.repetitions)]
    for rep, warm in rounds:
        configs = list(suite.configs)
        rng.shuffle(configs)
        for c in configs:
            order.append((c, rep, warm, rng.choice(SIDES)))
    return order


def run(suite: Suite, out: Path, bins: dict[str, Path], cache_dir: Path, seed: int = 0,
        progress: bool = True, log=print) -> int:
    """Runs the plan into out/runs.jsonl (resumable); returns a session exit status."""
    from tqdm import tqdm
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"command": "ab", "suite": suite.name, "fingerprint": suite.fingerprint, "seed": seed,
                "repetitions": suite.repetitions, "warmup": suite.warmup,
                "bin_dirs": {s: str(b) for s, b in bins.items()}, "complete": False}
    old = session._manifest(out)
    if old and (old.get("fingerprint"), old.get("seed"), old.get("bin_dirs")) != (
            suite.fingerprint, seed, manifest["bin_dirs"]):
        log(f"harness ab: {out} holds another A/B session; choose another --out")
        return session.EXIT_USAGE
    store.write_json(out / "manifest.json", manifest)
    if suite.source:
        store.write_atomic(out / "suite.toml", suite.source)
    if not (out / "machine.json").exists():
        store.write_json(out / "machine.json", machine.describe(session.REPO))
    done = {(r.get("harness") or {}).get("run_id") for r in store.read_records(out)}
    log_file = store.RunLog(out / store.RUNS)
    steps = [(c, rep, warm, side) for c, rep, warm, first in plan(suite, seed)
             for side in (first, "new" if first == "base" else "base")]
    todo = [s for s in steps if _run_id(*s) not in done]
    paths = {}
    for name in sorted({c.input for c, *_ in todo}):
        try:
            paths[name] = inputs.resolve(name, cache_dir, bins["base"])
        except inputs.InputError as e:
            log(f"harness ab: {e}")
            return session.EXIT_USAGE
    bar = tqdm(total=len(steps), initial=len(steps) - len(todo), desc=f"ab {suite.name}", unit="run",
               disable=not progress, file=sys.stderr, dynamic_ncols=True,
               mininterval=0.1 if sys.stderr.isatty() else 10)
    old_term = signal.signal(signal.SIGTERM, session._raise_interrupt)
    try:
        for c, rep, warm, side in todo:
            r = Run(c, rep, warm)
            record = runner.execute(r, paths[c.input], bins[side], out, suite.time_limit_s)
            record["harness"].update(run_id=_run_id(c, rep, warm, side), ab_side=side, suite=suite.name,
                                     fingerprint=suite.fingerprint)
            log_file.append(record)
            bar.update(1)
    except KeyboardInterrupt:
        log(f"\nharness ab: interrupted; run the same command again to resume ({out})")
        return session.EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, old_term)
        bar.close()
    manifest["complete"] = True
    store.write_json(out / "manifest.json", manifest)
    split(out)
    return session.EXIT_OK


def _run_id(c, rep, warm, side) -> str:
    return f"{side}:{c.key}#{'w' if warm else 'r'}{abs(rep)}"


def split(out: Path) -> None:
    """out/base and out/new: each side as an ordinary result directory (summary, figures,
    compare and export work on them)."""
    records = store.read_records(out)
    for side in SIDES:
        mine = [r for r in records if (r.get("harness") or {}).get("ab_side") == side]
        d = out / side
        d.mkdir(exist_ok=True)
        store.write_atomic(d / store.RUNS, "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n"
                                                   for r in mine))
        for name in ("machine.json", "suite.toml"):
            if (out / name).exists():
                store.write_atomic(d / name, (out / name).read_text())
        report.write_summaries(d, mine)


def side_of(record: dict) -> str | None:
    return (record.get("harness") or {}).get("ab_side")


def pairs(records: list[dict], metric: str = "cpu") -> dict[str, dict]:
    """config key -> {"pairs": [(base, new)], "base_failed": n, "new_failed": n, "no_metric": [why]}."""
    from .stats import config_of, is_ok
    cells: dict[tuple, dict] = {}
    out: dict[str, dict] = {}
    for r in records:
        h = r.get("harness") or {}
        if h.get("warmup") or side_of(r) not in SIDES:
            continue
        key = config_of(r).key
        o = out.setdefault(key, {"pairs": [], "base_failed": 0, "new_failed": 0, "no_metric": []})
        if not is_ok(r):
            o[f"{side_of(r)}_failed"] += 1
            continue
        v = metrics.value(r, metric)
        if v is None:
            o["no_metric"].append(metrics.unavailable_reason(r, metric))
            continue
        cells.setdefault((key, h.get("repetition")), {})[side_of(r)] = v
    for (key, _), both in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        if len(both) == 2:
            out[key]["pairs"].append((both["base"], both["new"]))
    return out


def expanded_level(confidence: float, n: int) -> float:
    """The percentile-bootstrap level that gives `confidence` with n samples (Hesterberg's
    expanded percentile interval, 2015: z(a'/2) = sqrt(n/(n-1)) t(a/2, n-1)).  The plain
    bootstrap interval of a mean is too narrow for small n (its spread is the sample's,
    divided by n rather than n-1, with normal rather than t tails): with 7 pairs a "95%"
    interval missed the true ratio 15% of the time in our simulation, a "99.9%" one 4%."""
    a = 1 - confidence
    z = math.sqrt(n / (n - 1)) * sps.t.ppf(1 - a / 2, n - 1)
    return 1 - 2 * sps.norm.sf(z)


MAX_RESAMPLES = 200_000


def ratio_interval(pairs_: list[tuple[float, float]], confidence=0.95, seed=0,
                   n_resamples=None) -> tuple[float, float, float]:
    """(ratio, low, high): geometric mean of NEW/BASE over pairs, and its expanded percentile
    bootstrap interval (scipy.stats.bootstrap over the pairs' log ratios)."""
    logs = np.log([n / b for b, n in pairs_])
    est = float(np.exp(logs.mean()))
    if len(logs) < 2:
        return est, float("nan"), float("nan")
    if np.ptp(logs) == 0:  # every pair the same ratio: no spread to resample
        return est, est, est
    level = expanded_level(confidence, len(logs))
    # Enough resamples that about 25 fall beyond each bound; far out (few pairs, many
    # configurations) the bound is the most extreme mean the resamples reached.
    n_resamples = n_resamples or int(min(MAX_RESAMPLES, max(9999, 50 / (1 - level))))
    level = min(level, 1 - 2 / n_resamples)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sps.bootstrap((logs,), np.mean, confidence_level=level, n_resamples=n_resamples,
                            method="percentile", random_state=np.random.default_rng(seed))
    lo, hi = res.confidence_interval
    return est, float(np.exp(lo)), float(np.exp(hi))


def verdict(ratio: float, lo: float, hi: float, n: int, threshold: float) -> tuple[str, int | None]:
    """(verdict, repetitions that would decide an inconclusive one, None if it cannot say).

    The rule `compare` uses, on the paired interval: a change is a regression when it is
    real (the interval lies above 1) and beyond the threshold (the ratio above 1 + t);
    `no change` when the interval lies within [1 - t, 1 + t]."""
    up, down = math.log(1 + threshold), math.log(1 - threshold)
    if n < 2 or not (math.isfinite(lo) and math.isfinite(hi)):
        return INCONCLUSIVE, 5  # nothing to bootstrap yet; 5 pairs is the least that says much
    m, l, h = math.log(ratio), math.log(lo), math.log(hi)
    if l > 0 and m > up:
        return REGRESSION, None
    if h < 0 and m < down:
        return IMPROVEMENT, None
    if l >= down and h <= up:
        return NO_CHANGE, None
    # Undecided: beyond the threshold but the interval reaches 1 (it must shrink to |m|),
    # or within it but the interval reaches past it (it must shrink into the band).
    # The half-width shrinks as 1/sqrt(n) (a little faster: fewer pairs widen it more).
    half = max(m - l, h - m)
    gap = abs(m) if (m > up or m < down) else min(up - m, m - down)
    if gap < 1e-3:
        return INCONCLUSIVE, None  # sits on 1 or on the threshold: no number of repetitions decides
    return INCONCLUSIVE, max(n + 1, math.ceil(n * (half / gap) ** 2))


FAMILY_CONFIDENCE = 0.95


def confidence_for(m: int) -> float:
    """Each interval's level so that m of them hold together with FAMILY_CONFIDENCE (Bonferroni)."""
    return 1 - (1 - FAMILY_CONFIDENCE) / max(1, m)


def analyse(records: list[dict], threshold: float = 0.05, metric: str = "cpu", seed: int = 0) -> list[dict]:
    rows = []
    by_config = pairs(records, metric)
    level = confidence_for(sum(1 for o in by_config.values() if len(o["pairs"]) >= 2))
    for key, o in sorted(by_config.items()):
        row = {"config": key, "pairs": len(o["pairs"]), "base_failed": o["base_failed"],
               "new_failed": o["new_failed"], "ratio": None, "ci_low": None, "ci_high": None,
               "verdict": None, "reps_needed": None}
        if o["new_failed"] > o["base_failed"] and o["new_failed"]:
            row["verdict"] = NEW_FAILURE
        elif not o["pairs"] and o["base_failed"] and o["new_failed"]:
            row["verdict"] = BOTH_FAIL
        if o["pairs"]:
            r, lo, hi = ratio_interval(o["pairs"], confidence=level, seed=seed)
            v, need = verdict(r, lo, hi, len(o["pairs"]), threshold)
            row.update(ratio=r, ci_low=lo if math.isfinite(lo) else None, ci_high=hi if math.isfinite(hi) else None)
            if row["verdict"] is None:
                row["verdict"], row["reps_needed"] = v, need
        elif row["verdict"] is None:
            row["verdict"] = INCONCLUSIVE
        rows.append(row)
    return rows


def render(rows: list[dict]) -> str:
    shown = []
    for r in rows:
        r = dict(r)
        for k in ("ratio", "ci_low", "ci_high"):
            if r.get(k) is not None:
                r[k] = f"{r[k]:.3f}"
        if r.get("ratio"):
            r["change"] = f"{(float(r['ratio']) - 1) * 100:+.1f}%"
        shown.append(r)
    return report.table(shown, ["config", "pairs", "ratio", "change", "ci_low", "ci_high", "verdict",
                                "reps_needed", "base_failed", "new_failed"])


def gating(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["verdict"] in GATING]


def summary(records: list[dict], out: Path | None, threshold: float, metric: str, allow_mismatch: bool,
            seed: int = 0) -> tuple[str, list[dict]]:
    """The report text and rows; a comparable.Refusal if the sides cannot be compared."""
    base = [r for r in records if side_of(r) == "base"]
    new = [r for r in records if side_of(r) == "new"]
    if not base or not new:
        raise comparable.Refusal(f"{out}: not an A/B session (no records of both sides)")
    header = comparable.check_machines(comparable.machine_facts(base), comparable.machine_facts(new),
                                       allow_mismatch)
    rows = analyse(records, threshold, metric, seed)
    if not any(r["pairs"] for r in rows):
        reasons = sorted({why for o in pairs(records, metric).values() for why in o["no_metric"]})
        raise comparable.Refusal(f"{out}: no complete pair has the {metric} metric"
                                 + (f": {reasons[0]}" if reasons else ""))
    revs = {s: sorted({r.get("git_revision", "?") for r in recs}) for s, recs in (("base", base), ("new", new))}
    m = sum(1 for r in rows if r["pairs"] >= 2)
    header += [f"metric: {metric}: {metrics.DESCRIPTION[metric]}",
               f"BASE revision {', '.join(revs['base'])}; NEW revision {', '.join(revs['new'])}",
               f"ratio = NEW/BASE, geometric mean of paired runs; interval: bootstrap (expanded percentile), 95% simultaneous "
               f"over {m} configurations (each at {confidence_for(m):.2%}); threshold {threshold:.0%}"]
    header += comparable.load_lines({"BASE": base, "NEW": new})
    counts = {v: sum(r["verdict"] == v for r in rows) for v in
              (REGRESSION, IMPROVEMENT, NO_CHANGE, INCONCLUSIVE, NEW_FAILURE, BOTH_FAIL)}
    tail = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    return "\n".join(header) + "\n\n" + render(rows) + f"\n\n{len(rows)} configurations: {tail}", rows
