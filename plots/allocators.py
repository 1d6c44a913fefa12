"""Figure 1 (Baldassin et al.): allocators against threads, normalised to glibc.

Left: time / glibc's time for the same runtime and thread count (below 1 is
faster than glibc).  Right: speedup over seq with glibc.  Medians with IQR
error bars; the caption gives the allocator spread (slowest / fastest - 1).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import records

from .common import caption, median_iqr, ratio_with_error, safe, save, tm_label


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
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
        series: dict[tuple, list] = {}
        for g in groups:
            series.setdefault((tm_label(g.config), g.config.allocator), []).append(g)
        markers = dict(zip(sorted({k[0] for k in series}), "osD^v<>"))
        # Dodge: shift each series a little along the (log) thread axis so that
        # points and error bars at the same thread count do not hide each other.
        dodge = dict(zip(sorted(series), 2 ** np.linspace(-0.12, 0.12, len(series))))
        for (tm, alloc), gs in sorted(series.items()):
            gs = sorted(gs, key=lambda g: g.config.threads)
            x = [g.config.threads * dodge[(tm, alloc)] for g in gs]
            norm = [(g, glibc.get((tm, g.config.threads))) for g in gs]
            pts = [(g.config.threads * dodge[(tm, alloc)],) + median_iqr(np.asarray(g.times) / base)
                   for g, base in norm if base]
            if pts:
                left.errorbar([p[0] for p in pts], [p[1] for p in pts],
                              yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                              marker=markers[tm], capsize=3, label=f"{tm} / {alloc}")
            if seq is not None and tm != "seq":
                sp = [ratio_with_error(records.median_of(seq.times), g.times) for g in gs]
                right.errorbar(x, [s[0] for s in sp], yerr=[[s[1] for s in sp], [s[2] for s in sp]],
                               marker=markers[tm], capsize=3, label=f"{tm} / {alloc}")
        for ax in (left, right):
            ts = sorted({g.config.threads for g in groups})
            ax.set_xscale("log", base=2)
            ax.set_xticks(ts, [str(t) for t in ts])
            ax.set_xlabel("threads")
            ax.legend(fontsize=7)
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
        fig.subplots_adjust(bottom=0.2)
        caption(fig, data, inp, note)
        paths += save(fig, out_dir, f"allocators-{safe(inp)}")
    return paths
