"""compare BASE NEW: per configuration change, Mann-Whitney U, a verdict.

A configuration regresses when NEW is slower by more than the threshold AND the
difference is significant (two-sided Mann-Whitney U, p < alpha), or when it
fails in NEW where it ran in BASE.  With n runs per side, the smallest p the
test can give is 2/C(2n, n): 0.1 for 3 vs 3, 0.0079 for 5 vs 5, so a gating
suite needs at least 4-5 repetitions (nightly.toml has them).

The p-values are corrected for the number of configurations tested (Holm's
step-down method: a suite of 49 configurations would otherwise flag one in 20
unchanged ones at alpha 0.05).  Each row also carries the ratio of medians with
its bootstrap 95% interval and the minimum detectable effect at its run counts.
"""
from __future__ import annotations

from scipy.stats import mannwhitneyu

from . import effects, stats

REGRESSION, IMPROVEMENT, SAME, NEW_FAILURE, FEW, ONLY_BASE, ONLY_NEW, BOTH_FAIL = (
    "REGRESSION", "improvement", "same", "FAILING", "too few runs", "only in base", "only in new",
    "failed in both")
GATING = {REGRESSION, NEW_FAILURE}


def compare_samples(base: list[float], new: list[float], base_failed: int, new_failed: int,
                    threshold: float, alpha: float, p_adjusted: float | None = None) -> dict:
    row = {} if p_adjusted is None else {"p_adjusted": p_adjusted}
    row.update({"n_base": len(base), "n_new": len(new), "median_base_s": stats.median_of(base),
           "median_new_s": stats.median_of(new), "change": None, "p_value": None})
    if new_failed and not new and base:
        row["verdict"] = NEW_FAILURE
        return row
    if not base and not new:
        row["verdict"] = BOTH_FAIL  # nothing measured on either side (e.g. a runtime not built yet)
        return row
    if len(base) < 2 or len(new) < 2:
        row["verdict"] = FEW
        return row
    ratio, lo, hi = effects.ratio_of_medians(new, base)
    row["change"] = ratio - 1.0
    row["ci_low"], row["ci_high"] = lo, hi
    p = float(mannwhitneyu(base, new, alternative="two-sided").pvalue)
    row["p_value"] = p
    p = row.get("p_adjusted", p)  # corrected for the number of configurations, when known
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
    """base/new: config key -> stats.Group (or anything with .times and .failures).
    Verdicts use Holm-corrected p-values over the configurations both sides measured."""
    keys = sorted(set(base) | set(new))
    both = [k for k in keys if k in base and k in new]
    raw = [float(mannwhitneyu(base[k].times, new[k].times, alternative="two-sided").pvalue)
           if len(base[k].times) >= 2 and len(new[k].times) >= 2 else None for k in both]
    adjusted = dict(zip(both, effects.holm(raw)))
    tested = sum(p is not None for p in raw) or 1
    rows = []
    for key in keys:
        b, n = base.get(key), new.get(key)
        if b is None or n is None:
            rows.append({"config": key, "verdict": ONLY_NEW if b is None else ONLY_BASE})
            continue
        row = {"config": key}
        row.update(compare_samples(b.times, n.times, len(b.failures), len(n.failures), threshold, alpha,
                                   adjusted.get(key)))
        row["mde"] = effects.minimum_detectable_effect(b.times, n.times, alpha / tested)
        rows.append(row)
    return rows


def mde_line(rows: list[dict], alpha: float) -> str:
    """The report's line on the smallest change these runs could have detected."""
    vals = [r["mde"] for r in rows if r.get("mde") is not None]
    if not vals:
        return "minimum detectable effect: not computable (fewer than 2 runs a side)"
    tested = sum(1 for r in rows if r.get("p_value") is not None)
    finite = sorted(v for v in vals if v != float("inf"))
    out = (f"minimum detectable effect (80% power, alpha {alpha} Holm-corrected over {tested} configurations, "
           f"from the runs' own spread): ")
    if finite:
        out += f"median {finite[len(finite) // 2]:.1%}, best {finite[0]:.1%}, worst {finite[-1]:.1%}"
    if len(finite) < len(vals):
        out += (f"{'; ' if finite else ''}{len(vals) - len(finite)} configuration(s) have too few runs for the "
                f"rank test to reach the corrected level at all")
    return out


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
        for k in ("p_value", "p_adjusted"):
            if r.get(k) is not None:
                r[k] = f"{r[k]:.3g}"
        if r.get("ci_low") is not None:
            r["change_ci95"] = f"{(r['ci_low'] - 1) * 100:+.1f}%..{(r['ci_high'] - 1) * 100:+.1f}%"
        if r.get("mde") is not None:
            r["mde"] = "-" if r["mde"] == float("inf") else f"{r['mde'] * 100:.1f}%"
        shown.append(r)
    return table(shown, ["config", "n_base", "n_new", "median_base_s", "median_new_s", "change",
                         "change_ci95", "p_value", "p_adjusted", "mde", "verdict"])
