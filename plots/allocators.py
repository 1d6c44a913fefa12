"""Figure 1 (Baldassin et al.): allocators against threads, normalised to glibc.

Left: time / glibc's time for the same runtime and thread count (below 1 is
faster than glibc).  Right: speedup over seq with glibc.  Medians with IQR
error bars; the caption gives the allocator spread (slowest / fastest - 1).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import records

from .common import (allocator_style, annotate_n, caption, cores_of, legend_outside, median_iqr, ratio_with_error,
                     safe, save, shade_oversubscribed, tm_label)


def runtime_ls(tm: str) -> str:
    return {"stm": "--", "lock": ":", "itm": "-.", "tbb": (0, (5, 1))}.get(tm.split()[0], "-")


def render(data, out_dir):
    paths = []
    for inp in data.inputs():
        groups = [g for g in data.groups.values() if g.config.input == inp and g.times
                  and records.is_default_shape(g.config, ignore=("allocator",))]
        allocs = sorted({g.config.allocator for g in groups})
        base = records.default_of("allocator")  # glibc
        if len(allocs) < 2 or base not in allocs:
            continue
        glibc = {(tm_label(g.config), g.config.threads): records.median_of(g.times)
                 for g in groups if g.config.allocator == base}
        seq = next((g for g in groups if g.config.tm == "seq" and g.config.allocator == base), None)
        fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5))
        ts = sorted({g.config.threads for g in groups})
        for ax in (left, right):
            shade_oversubscribed(ax, cores_of(data), ts)
        series: dict[tuple, list] = {}
        for g in groups:
            series.setdefault((tm_label(g.config), g.config.allocator), []).append(g)
        # Dodge: shift each series a little along the (log) thread axis so that
        # points and error bars at the same thread count do not hide each other.
        dodge = dict(zip(sorted(series), 2 ** np.linspace(-0.12, 0.12, len(series))))
        for (tm, alloc), gs in sorted(series.items()):
            gs = sorted(gs, key=lambda g: g.config.threads)
            x = [g.config.threads * dodge[(tm, alloc)] for g in gs]
            norm = [(g, glibc.get((tm, g.config.threads))) for g in gs]
            pts = [(g.config.threads * dodge[(tm, alloc)],) + median_iqr(np.asarray(g.times) / base)
                   for g, base in norm if base]
            # The allocator's colour and marker; the runtime's line style (seq solid, stm dashed, ...).
            style = dict(allocator_style(alloc), linestyle="-" if tm == "seq" else runtime_ls(tm))
            if pts:
                left.errorbar([p[0] for p in pts], [p[1] for p in pts],
                              yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                              capsize=3, label=f"{tm} / {alloc}", **style)
                annotate_n(left, [p[0] for p in pts], [p[1] for p in pts], [len(g.times) for g, b in norm if b])
            if seq is not None and tm != "seq":
                sp = [ratio_with_error(records.median_of(seq.times), g.times) for g in gs]
                right.errorbar(x, [s[0] for s in sp], yerr=[[s[1] for s in sp], [s[2] for s in sp]],
                               capsize=3, label=f"{tm} / {alloc}", **style)
                annotate_n(right, x, [s[0] for s in sp], [len(g.times) for g in gs])
        for ax in (left, right):
            ax.set_xscale("log", base=2)
            ax.set_xticks(ts, [str(t) for t in ts])
            ax.set_xlabel("threads")
        legend_outside(right, handles_from=left, title="runtime / allocator\n(numbers: runs per point)", title_fontsize=7)
        left.axhline(1.0, color="0.6", ls=":")
        left.set_ylabel("time / glibc time (ratio)")
        left.set_title("time normalised to glibc (median, IQR)")
        right.set_ylabel("speedup over seq with glibc (×)")
        right.set_title("speedup over seq/glibc (median, IQR)")
        # The spread as the harness computed it (allocator_spread.csv): plots/ reads results only.
        shape = [n for n in records.DEFAULT_SHAPE if n != "allocator"]
        spread = [r for r in data.spread if r.get("input") == inp
                  and all(r.get(n) == records.default_of(n) for n in shape)]
        note = "allocator spread (slowest/fastest - 1): " + (", ".join(
            f"{r['tm']} t{r['threads']}: {float(r['spread']) * 100:.1f}% ({r['slowest']} vs {r['fastest']})"
            for r in spread) or "not in this directory (allocator_spread.csv, written by the harness)")
        fig.subplots_adjust(bottom=0.2, right=0.82, wspace=0.25)
        caption(fig, data, inp, note)
        paths += save(fig, out_dir, f"allocators-{safe(inp)}")
    return paths
