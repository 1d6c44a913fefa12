"""Effect sizes with bootstrap intervals, multiple-comparison correction, and the
smallest effect a suite's repetitions can detect.

- ratio of medians (NEW/BASE, speedups) and the allocator spread (slowest / fastest
  median - 1) with percentile bootstrap 95% intervals (scipy.stats.bootstrap; each
  sample resampled on its own, as the runs were independent);
- Holm's step-down correction of per-configuration p-values (family-wise error over
  a suite's many configurations);
- the minimum detectable effect: the change a suite's repetitions detect with 80%
  power at the corrected level, from the runs' own spread.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats as sps

CONFIDENCE = 0.95
RESAMPLES = 1999


MIN_RUNS = 3  # a bootstrap of two runs has three possible medians: no interval, not a narrow one


def _boot(samples: tuple, statistic, seed=0):
    """(low, high) of a percentile bootstrap interval, or (None, None) when it cannot be had."""
    if any(len(s) < MIN_RUNS for s in samples):
        return None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sps.bootstrap(tuple(np.asarray(s, float) for s in samples), statistic, vectorized=True,
                            paired=False, confidence_level=CONFIDENCE, n_resamples=RESAMPLES,
                            method="percentile", random_state=np.random.default_rng(seed))
    lo, hi = res.confidence_interval
    return (float(lo), float(hi)) if np.isfinite(lo) and np.isfinite(hi) else (None, None)


def ratio_of_medians(num: list[float], den: list[float], seed=0) -> tuple:
    """(median(num) / median(den), low, high)."""
    if not num or not den:
        return None, None, None
    est = float(np.median(num) / np.median(den))
    lo, hi = _boot((num, den), lambda a, b, axis=-1: np.median(a, axis=axis) / np.median(b, axis=axis), seed)
    return est, lo, hi


def spread(samples_by_name: dict[str, list[float]], seed=0) -> tuple:
    """(slowest median / fastest median - 1, low, high) over several allocators' samples."""
    names = [k for k, v in samples_by_name.items() if v]
    if len(names) < 2:
        return None, None, None
    meds = [np.median(samples_by_name[k]) for k in names]
    est = float(max(meds) / min(meds) - 1)

    def stat(*arrays, axis=-1):
        m = np.stack([np.median(a, axis=axis) for a in arrays])
        return m.max(axis=0) / m.min(axis=0) - 1

    lo, hi = _boot(tuple(samples_by_name[k] for k in names), stat, seed)
    return est, lo, hi


def holm(pvalues: list[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (None stays None).  Hand-written: a few lines,
    and SciPy 1.10 (Debian 12) has only Benjamini-Hochberg's, from 1.11."""
    idx = [i for i, p in enumerate(pvalues) if p is not None]
    order = sorted(idx, key=lambda i: pvalues[i])
    m = len(order)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        out[i] = running
    return out


def min_mann_whitney_p(n_base: int, n_new: int) -> float:
    """The smallest two-sided p a Mann-Whitney U test of n_base vs n_new runs can give."""
    return 2.0 / math.comb(n_base + n_new, n_base) if n_base and n_new else 1.0


def minimum_detectable_effect(base: list[float], new: list[float], alpha: float, power: float = 0.8):
    """The relative change (e.g. 0.06 = 6%) detectable with `power` at level `alpha`, from the
    spread of log run times (normal approximation); inf when the rank test cannot reach `alpha`
    with this many runs at all; None without two runs a side."""
    if len(base) < 2 or len(new) < 2:
        return None
    if min_mann_whitney_p(len(base), len(new)) >= alpha:
        return math.inf
    lb, ln = np.log(base), np.log(new)
    sd = math.sqrt((np.var(lb, ddof=1) + np.var(ln, ddof=1)) / 2)
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    return float(math.exp(z * sd * math.sqrt(1 / len(base) + 1 / len(new))) - 1)
