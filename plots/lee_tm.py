"""Watson et al.'s figure (PACT'07, Lee-TM): speedup and aborts against threads,
with and without early release, for Lee-TM's boards under Lee-TM's rules.

One figure per board and runtime, two panels against threads: speedup over seq
on one thread (median seq time / median time; error bars from the runtime's
IQR) and aborts per run (median and IQR), one line per snapshot shape:
tracked (the wave's reads in the read set: no early release), released (each
read released: early release), raw (STAMP's private copy) and privatized (the
search outside any transaction, only the claim in one).
"""
from __future__ import annotations

import matplotlib.pyplot as plt

import records

from .common import (annotate_n, caption, cores_of, median_iqr, ratio_with_error, safe, save, shade_oversubscribed,
                     shape_style, tm_label)

SHAPES = (("tracked", "tracked: no early release"), ("released", "released: early release"),
          ("raw", "raw: private copy"), ("privatized", "privatized: only the claim transactional"))


def render(data, out_dir):
    paths = []
    for inp in data.inputs():
        groups = [g for g in data.groups.values() if g.config.input == inp and g.config.rules == "lee-tm"
                  and g.config.private == "direct" and g.times]
        seq = next((g for g in groups if g.config.tm == "seq" and g.config.threads == 1), None)
        by_tm: dict[str, list] = {}
        for g in groups:
            if g.config.tm != "seq":
                by_tm.setdefault(tm_label(g.config), []).append(g)
        if seq is None:
            continue  # no baseline to divide by
        seq_med = records.median_of(seq.times)
        for tm, gs_all in sorted(by_tm.items()):
            ts = sorted({g.config.threads for g in gs_all})
            if len(ts) < 2:
                continue
            fig, (ax_s, ax_a) = plt.subplots(1, 2, figsize=(12, 4.8))
            for ax in (ax_s, ax_a):
                shade_oversubscribed(ax, cores_of(data), ts)
            for snap, label in SHAPES:
                gs = sorted((g for g in gs_all if g.config.snapshot == snap), key=lambda g: g.config.threads)
                if not gs:
                    continue
                style = shape_style(f"{snap}/direct")
                xs = [g.config.threads for g in gs]
                pts = [ratio_with_error(seq_med, g.times) for g in gs]
                ax_s.errorbar(xs, [p[0] for p in pts], yerr=[[p[1] for p in pts], [p[2] for p in pts]],
                              capsize=3, label=label, **style)
                annotate_n(ax_s, xs, [p[0] for p in pts], [len(g.times) for g in gs])
                ab = [median_iqr(g.stats.get("aborts", [0])) for g in gs]
                ax_a.errorbar(xs, [a[0] for a in ab], yerr=[[a[0] - a[1] for a in ab], [a[2] - a[0] for a in ab]],
                              capsize=3, label=label, **style)
            ax_s.axhline(1.0, color="0.8", lw=0.8)
            for ax, ylabel in ((ax_s, f"speedup over seq ({seq_med:.3g} s), ×"),
                               (ax_a, records.stat_label("aborts"))):
                ax.set_xscale("log", base=2)
                ax.set_xticks(ts, [str(t) for t in ts])
                ax.set_xlabel("threads")
                ax.set_ylabel(ylabel)
                ax.set_ylim(bottom=0)
            handles, labels = ax_s.get_legend_handles_labels()
            fig.legend(handles, labels, loc="center right", fontsize=7,
                       title="snapshot (numbers: runs per point)", title_fontsize=7)
            fig.suptitle(f"Lee-TM rules, {tm}: speedup and aborts with and without early release (median, IQR)")
            fig.subplots_adjust(bottom=0.18, wspace=0.3, right=0.8)
            caption(fig, data, inp)
            paths += save(fig, out_dir, f"lee-tm-{safe(tm)}-{safe(inp)}")
    return paths
