"""The htm suite's figures: Labyrinth's shapes under htm-model, a software MODEL
of best-effort hardware TM (tm/README.md), labelled as such on every figure.

htm-<input>: speedup over seq against threads for each shape under htm-model
(the STM's shapes beside it, dashed), and the abort causes and fallback-lock
acquisitions per run behind it.  htm-placement: capacity aborts and fallbacks
of one-thread runs under each malloc, private-memory source and input.
Medians over the measured runs; only ok runs count.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import records

from .common import caption, median_iqr, safe, save

MODEL = "htm-model"
CAUSES = ("aborts_capacity", "aborts_conflict", "aborts_lock", "aborts_explicit")
LABEL = "MODEL result: htm-model is a software model of best-effort HTM, not hardware"


def _median(group, name) -> float:
    """Median of a TM statistic over a configuration's ok runs (0 where none has it)."""
    vals = group.stats.get(name, [])
    return float(np.median(vals)) if vals else 0.0


def _default_memory(c) -> bool:
    return (c.allocator == records.default_of("allocator") and c.private_memory == records.default_of("private_memory")
            and not c.tm_opts and not c.env)


def render(data, out_dir):
    if not any(g.config.tm == MODEL and g.times for g in data.groups.values()):
        return []
    paths = []
    for inp in data.inputs():
        paths += _render_input(data, inp, out_dir)
    paths += _render_placement(data, out_dir)
    return paths


def _render_input(data, inp, out_dir):
    groups = [g for g in data.groups.values() if g.config.input == inp and g.times and _default_memory(g.config)]
    model_shapes = sorted({g.config.snapshot for g in groups if g.config.tm == MODEL})
    seq = [g for g in groups if g.config.tm == "seq" and g.config.snapshot == "raw"]
    if not model_shapes or not seq:
        return []
    seq_med = median_iqr(seq[0].times)[0]
    fig, axes = plt.subplots(1, 1 + len(model_shapes), figsize=(5 + 4 * len(model_shapes), 4.8))
    ax = axes[0]
    threads = sorted({g.config.threads for g in groups if g.config.tm != "seq"})
    for tm, style in ((MODEL, "-"), ("stm", "--")):
        for shape in sorted({g.config.snapshot for g in groups if g.config.tm == tm}):
            gs = sorted((g for g in groups if g.config.tm == tm and g.config.snapshot == shape),
                        key=lambda g: g.config.threads)
            pts = [(g.config.threads,) + median_iqr(g.times) for g in gs]
            ax.errorbar([p[0] for p in pts], [seq_med / p[1] for p in pts],
                        yerr=[[seq_med / p[1] - seq_med / p[3] for p in pts],
                              [seq_med / p[2] - seq_med / p[1] for p in pts]],
                        marker="o", capsize=3, linestyle=style, label=f"{tm} {shape}")
    ax.axhline(1.0, color="0.6", linewidth=0.8)
    ax.set_xscale("log", base=2)
    ax.set_xticks(threads, [str(t) for t in threads])
    ax.set_xlabel("threads")
    ax.set_ylabel("speedup over seq (median time; bars from IQR)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    ax.set_title("speedup", fontsize=9)
    for ax, shape in zip(axes[1:], model_shapes):
        rows = sorted((g for g in groups if g.config.tm == MODEL and g.config.snapshot == shape),
                      key=lambda g: g.config.threads)
        x = np.arange(len(rows))
        bottom = np.zeros(len(rows))
        for cause in CAUSES:
            v = np.array([_median(g, cause) for g in rows])
            ax.bar(x, v, bottom=bottom, label=cause.replace("aborts_", ""))
            bottom += v
        ax.plot(x, [_median(g, "fallbacks") for g in rows], "k^", label="fallback-lock acquisitions")
        ax.set_xticks(x, [str(g.config.threads) for g in rows])
        ax.set_xlabel("threads")
        ax.set_ylabel("per run (median count)")
        ax.set_title(f"{MODEL} {shape}: aborts by cause", fontsize=9)
        ax.legend(fontsize=7)
    fig.suptitle(f"Labyrinth's shapes under {MODEL}  [{LABEL}]", fontsize=10)
    fig.subplots_adjust(bottom=0.18, wspace=0.3)
    caption(fig, data, inp, extra="speedup over seq (STAMP's raw shape) on the same input; "
                                  "a modelled transaction costs far more than a hardware one (tm/README.md)")
    return save(fig, out_dir, f"htm-{safe(inp)}")


def _render_placement(data, out_dir):
    rows = sorted((g for g in data.groups.values() if g.config.tm == MODEL and g.config.threads == 1 and g.times),
                  key=lambda g: (g.config.input, g.config.snapshot, g.config.private_memory, g.config.page_size or "",
                                 g.config.allocator))
    if len(rows) < 2:
        return []
    fig, ax = plt.subplots(figsize=(max(7, 0.6 * len(rows) + 3), 5.5))
    x = np.arange(len(rows))
    ax.bar(x - 0.2, [_median(g, "aborts_capacity") for g in rows], 0.4, label="capacity aborts")
    ax.bar(x + 0.2, [_median(g, "commits") - _median(g, "fallbacks") for g in rows], 0.4,
           label="speculative commits")
    labels = [f"{g.config.input.replace('random-', '')}\n{g.config.snapshot}\n{g.config.allocator}\n"
              f"{g.config.private_memory}" + (f"-{g.config.page_size}" if g.config.page_size else "") for g in rows]
    ax.set_xticks(x, labels, fontsize=6)
    ax.set_xlabel("input / shape / malloc / private memory; threads = 1")
    ax.set_ylabel("per run (median count)")
    ax.legend(fontsize=7)
    fig.suptitle(f"Allocation placement and capacity aborts under {MODEL}  [{LABEL}]", fontsize=10)
    fig.subplots_adjust(bottom=0.3)
    caption(fig, data, ", ".join(sorted({g.config.input for g in rows})))
    return save(fig, out_dir, "htm-placement")
