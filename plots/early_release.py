"""Figure 2 (STAMP; Watson et al.): what the transactional shape costs.

For each runtime that keeps statistics, three panels against threads, one line
per shape (snapshot / private accesses / private memory): routing time, aborts
per run, and mean read-set size of committed transactions.  Medians with IQR.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

import records

from .common import caption, median_iqr, safe, save, shape_label, tm_label

# Routing time, then two TM statistics labelled with their record name and
# unit as the schema declares them.
PANELS = (("time", "routing time (s)"), ("aborts", records.stat_label("aborts")),
          ("read_set_mean", records.stat_label("read_set_mean") + ", log"))


def _samples(g, name):
    return g.times if name == "time" else g.stats.get(name, [])


def render(data, out_dir):
    paths = []
    for inp in data.inputs():
        by_tm: dict[str, list] = {}
        for g in data.groups.values():
            c = g.config
            if c.input == inp and c.tm != "seq" and g.times and c.allocator == records.default_of("allocator"):
                by_tm.setdefault(tm_label(c), []).append(g)
        for tm, groups in sorted(by_tm.items()):
            shapes = sorted({shape_label(g.config) for g in groups})
            if len(shapes) < 2:
                continue
            fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
            for shape in shapes:
                gs = sorted((g for g in groups if shape_label(g.config) == shape), key=lambda g: g.config.threads)
                for ax, (attr, _) in zip(axes, PANELS):
                    pts = [(g.config.threads,) + median_iqr(_samples(g, attr)) for g in gs if _samples(g, attr)]
                    if pts:
                        ax.errorbar([p[0] for p in pts], [p[1] for p in pts],
                                    yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                                    marker="o", capsize=3, label=shape)
            ts = sorted({g.config.threads for g in groups})
            for ax, (_, ylabel) in zip(axes, PANELS):
                ax.set_xscale("log", base=2)
                ax.set_xticks(ts, [str(t) for t in ts])
                ax.set_xlabel("threads")
                ax.set_ylabel(ylabel)
                ax.set_ylim(bottom=0)
            # A tracked snapshot's read set is the whole grid, raw's a few dozen entries:
            # only a log scale shows both (symlog, since a lock's read set is 0).
            axes[2].set_yscale("symlog", linthresh=1)
            axes[2].set_ylim(bottom=0)
            handles, labels = axes[0].get_legend_handles_labels()
            if handles:  # one legend for the three panels, outside them
                fig.legend(handles, labels, loc="center right", fontsize=7, title="snapshot/private",
                           title_fontsize=7)
            fig.suptitle(f"early release and private accesses: {tm}")
            fig.subplots_adjust(bottom=0.18, wspace=0.3, right=0.86)
            caption(fig, data, inp)
            paths += save(fig, out_dir, f"early-release-{safe(tm)}-{safe(inp)}")
    return paths
