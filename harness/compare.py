"""compare BASE NEW: per configuration change, Mann-Whitney U, a verdict.

A configuration regresses when NEW is slower by more than the threshold AND the
difference is significant (two-sided Mann-Whitney U, p < alpha), or when it
fails in NEW where it ran in BASE.  With n runs per side, the smallest p the
test can give is 2/C(2n, n): 0.1 for 3 vs 3, 0.0079 for 5 vs 5, so a gating
suite needs at least 4-5 repetitions (nightly.toml has them).
"""
from __future__ import annotations

from scipy.stats import mannwhitneyu

from . import stats

REGRESSION, IMPROVEMENT, SAME, NEW_FAILURE, FEW, ONLY_BASE, ONLY_NEW, BOTH_FAIL = (
    "REGRESSION", "improvement", "same", "FAILING", "too few runs", "only in base", "only in new",
    "failed in both")
GATING = {REGRESSION, NEW_FAILURE}


def compare_samples(base: list[float], new: list[float], base_failed: int, new_failed: int,
                    threshold: float, alpha: float) -> dict:
    row = {"n_base": len(base), "n_new": len(new), "median_base_s": stats.median_of(base),
           "median_new_s": stats.median_of(new), "change": None, "p_value": None}
    if new_failed and not new and base:
        row["verdict"] = NEW_FAILURE
        return row
    if not base and not new:
        row["verdict"] = BOTH_FAIL  # nothing measured on either side (e.g. a runtime not built yet)
        return row
    if len(base) < 2 or len(new) < 2:
        row["verdict"] = FEW
        return row
    row["change"] = row["median_new_s"] / row["median_base_s"] - 1.0
    p = float(mannwhitneyu(base, new, alternative="two-sided").pvalue)
    row["p_value"] = p
    if p < alpha and row["change"] > threshold:
        row["verdict"] = REGRESSION
    elif p < alpha and row["change"] < -threshold:
        row["verdict"] = IMPROVEMENT
    else:
        row["verdict"] = SAME
    if new_failed > base_failed and row["verdict"] != REGRESSION:
        row["verdict"] = NEW_FAILURE  # some runs now fail that did not before
    return row


def compare_groups(base: dict, new: dict, threshold: float = 0.05, alpha: float = 0.05) -> list[dict]:
    """base/new: config key -> stats.Group (or anything with .times and .failures)."""
    rows = []
    for key in sorted(set(base) | set(new)):
        b, n = base.get(key), new.get(key)
        if b is None or n is None:
            rows.append({"config": key, "verdict": ONLY_NEW if b is None else ONLY_BASE})
            continue
        row = {"config": key}
        row.update(compare_samples(b.times, n.times, len(b.failures), len(n.failures), threshold, alpha))
        rows.append(row)
    return rows


def compare_records(base: list[dict], new: list[dict], threshold=0.05, alpha=0.05) -> list[dict]:
    return compare_groups(stats.group(base), stats.group(new), threshold, alpha)


def regressions(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("verdict") in GATING]


def render(rows: list[dict]) -> str:
    from .report import table
    shown = []
    for r in rows:
        r = dict(r)
        if r.get("change") is not None:
            r["change"] = f"{r['change'] * 100:+.1f}%"
        if r.get("p_value") is not None:
            r["p_value"] = f"{r['p_value']:.3g}"
        shown.append(r)
    return table(shown, ["config", "n_base", "n_new", "median_base_s", "median_new_s", "change",
                         "p_value", "verdict"])
