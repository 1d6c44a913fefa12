"""Figure 4: the nightly history, a metric per revision, regressions marked.

One line per configuration: median routing time per revision (in the order
they were measured, each labelled with its date), a 95% interval of the median
as error bars (the order-statistic interval, distribution-free), the number of
runs behind each point; a red ring marks a revision where the configuration
regressed against the window before it, as the harness recorded.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import binom

import records.history as history

from .common import annotate_n, caption, legend_outside, save


def median_interval(samples) -> tuple[float, float, float]:
    """The median and its distribution-free 95% interval: the order statistics whose ranks
    a binomial(n, 1/2) puts around the middle (the whole range below 6 samples)."""
    xs = np.sort(np.asarray(samples, float))
    n = len(xs)
    med = float(np.median(xs))
    # 0-based k: the largest with P(B <= k) <= 0.025 for B ~ binomial(n, 1/2); then
    # [x_k, x_(n-1-k)] holds the median with probability 1 - 2 P(B <= k) >= 95%.
    k = max(0, int(binom.ppf(0.025, n, 0.5)) - 1)
    return med, float(xs[k]), float(xs[n - 1 - k])


def render(history_file, out_dir, data):
    entries = history.load(history_file)
    revs = history.revisions(entries)
    if not revs:
        return []
    regressed = {(e["revision"], e["config"]) for e in entries if e.get("regressed")}
    configs = sorted({e["config"] for e in entries})
    fig, ax = plt.subplots(figsize=(max(7, 0.6 * len(revs) + 4), 5))
    marked = False
    for cfg in configs:
        xs, ys, lo, hi, bad, ns = [], [], [], [], [], []
        for i, rev in enumerate(revs):
            e = next((e for e in entries if e["revision"] == rev and e["config"] == cfg), None)
            if not e or not e.get("samples"):
                continue
            med, low, high = median_interval(e["samples"])
            xs.append(i); ys.append(med); lo.append(med - low); hi.append(high - med); ns.append(len(e["samples"]))
            if (rev, cfg) in regressed:
                bad.append((i, med))
        if not xs:
            continue
        ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=cfg)
        annotate_n(ax, xs, ys, ns)
        if bad:
            ax.scatter([b[0] for b in bad], [b[1] for b in bad], s=160, facecolors="none",
                       edgecolors="red", linewidths=2, zorder=5,
                       label=None if marked else "significant regression")
            marked = True
    dates = {}
    for e in entries:  # the latest run of each revision
        if e.get("timestamp"):
            dates[e["revision"]] = max(dates.get(e["revision"], ""), e["timestamp"][:10])
    ax.set_xticks(range(len(revs)), [f"{r[:12]}\n{dates.get(r, '')}" for r in revs], rotation=30, ha="right",
                  fontsize=8)
    ax.set_xlabel("revision and date (in order measured)")
    ax.set_ylabel("routing time, median (s)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"nightly history ({history_file.name}): median, 95% interval, runs per point")
    legend_outside(ax)
    fig.subplots_adjust(bottom=0.25, right=0.62)
    inputs = sorted({e["config"].split("/")[0] for e in entries})
    caption(fig, data, ", ".join(inputs), revision=f"{revs[0]} .. {revs[-1]}" if len(revs) > 1 else revs[0])
    return save(fig, out_dir, "history")
