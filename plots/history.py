"""Figure 4: the nightly history, a metric per revision, regressions marked.

One line per configuration: median routing time per revision (in the order
they were measured), IQR as error bars; a red ring marks a revision where the
configuration regressed against the previous one by the `compare` test.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

import records.history as history

from .common import caption, median_iqr, save


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
        xs, ys, lo, hi, bad = [], [], [], [], []
        for i, rev in enumerate(revs):
            e = next((e for e in entries if e["revision"] == rev and e["config"] == cfg), None)
            if not e or not e.get("samples"):
                continue
            med, q1, q3 = median_iqr(e["samples"])
            xs.append(i); ys.append(med); lo.append(med - q1); hi.append(q3 - med)
            if (rev, cfg) in regressed:
                bad.append((i, med))
        if not xs:
            continue
        ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=cfg)
        if bad:
            ax.scatter([b[0] for b in bad], [b[1] for b in bad], s=160, facecolors="none",
                       edgecolors="red", linewidths=2, zorder=5,
                       label=None if marked else "significant regression")
            marked = True
    ax.set_xticks(range(len(revs)), [r[:12] for r in revs], rotation=30, ha="right", fontsize=8)
    ax.set_xlabel("revision (in order measured)")
    ax.set_ylabel("routing time, median (s)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"nightly history ({history_file.name}): median and IQR per revision")
    ax.legend(fontsize=6)
    fig.subplots_adjust(bottom=0.22)
    inputs = sorted({e["config"].split("/")[0] for e in entries})
    caption(fig, data, ", ".join(inputs), revision=f"{revs[0]} .. {revs[-1]}" if len(revs) > 1 else revs[0])
    return save(fig, out_dir, "history")
