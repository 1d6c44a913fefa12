"""Figure 3 (STAMP's speedup figure): speedup over seq against threads, one line per runtime.

Speedup = median seq time / median time of the runtime; error bars come from
the runtime's interquartile range.  Only STAMP's default shape (raw/direct,
glibc, malloc private memory) is drawn, so every line measures the same work.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

import records

from .common import (annotate_n, caption, cores_of, legend_outside, ratio_with_error, runtime_style, safe, save,
                     shade_oversubscribed, tm_label)


def render(data, out_dir):
    paths = []
    for inp in data.inputs():
        groups = [g for g in data.groups.values() if g.config.input == inp and records.is_default_shape(g.config)]
        seq = next((g for g in groups if g.config.tm == "seq" and g.config.threads == 1 and g.times), None)
        lines: dict[str, list] = {}
        for g in groups:
            if g.config.tm != "seq" and g.times:
                lines.setdefault(tm_label(g.config), []).append(g)
        threads = {g.config.threads for gs in lines.values() for g in gs}
        if seq is None or not lines or (len(threads) < 2 and len(lines) < 2):
            continue  # nothing to draw against threads, or no baseline to divide by
        seq_med = records.median_of(seq.times)
        fig, ax = plt.subplots(figsize=(9, 5))
        ts = sorted(threads | {1})
        cores = cores_of(data)
        shade_oversubscribed(ax, cores, ts)
        for label in sorted(lines):
            gs = sorted(lines[label], key=lambda g: g.config.threads)
            pts = [ratio_with_error(seq_med, g.times) for g in gs]
            xs, ys = [g.config.threads for g in gs], [p[0] for p in pts]
            ax.errorbar(xs, ys, yerr=[[p[1] for p in pts], [p[2] for p in pts]], capsize=3, label=label,
                        **runtime_style(label))
            annotate_n(ax, xs, ys, [len(g.times) for g in gs])
        # Linear speedup is a promise only up to the core count.
        lin = [t for t in ts if cores is None or t <= cores]
        ax.plot(lin, lin, ls=":", color="0.6", label="linear (to the core count)")
        ax.axhline(1.0, color="0.8", lw=0.8)
        ax.set_xscale("log", base=2)
        ax.set_xticks(ts, [str(t) for t in ts])
        ax.set_xlabel("threads")
        ax.set_ylabel("speedup over seq (seq time / time, ×)")
        ax.set_title(f"TM runtimes: speedup over seq ({seq_med:.3g} s), median and IQR")
        legend_outside(ax, title="numbers: runs per point", title_fontsize=7)
        fig.subplots_adjust(bottom=0.17, right=0.7)
        caption(fig, data, inp)
        paths += save(fig, out_dir, f"runtimes-{safe(inp)}")
    return paths
