"""Figure 2 (STAMP; Watson et al.): what the transactional shape costs.

For each runtime that keeps statistics, three panels against threads, one line
per shape (snapshot / private accesses / private memory): routing time, aborts
per run, and mean read-set size of committed transactions.  Medians with IQR.
"""
from __future__ import annotations

import matplotlib.pyplot as plt

import records

from .common import annotate_n, caption, cores_of, median_iqr, safe, save, shade_oversubscribed, shape_label, shape_style, tm_label

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
            # A panel only where some run measured something: a runtime without aborts or a
            # read set (lock) would give empty panels; the caption says what was left out.
            panels = [(a, y) for a, y in PANELS
                      if a == "time" or any(v for g in groups for v in _samples(g, a))]
            left_out = [a for a, _ in PANELS if (a, dict(PANELS)[a]) not in panels]
            fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels) + 2, 4.8), squeeze=False)
            axes = list(axes[0])
            ts = sorted({g.config.threads for g in groups})
            for ax in axes:
                shade_oversubscribed(ax, cores_of(data), ts)
            for shape in shapes:
                gs = sorted((g for g in groups if shape_label(g.config) == shape), key=lambda g: g.config.threads)
                for ax, (attr, _) in zip(axes, panels):
                    pts = [(g.config.threads,) + median_iqr(_samples(g, attr)) for g in gs if _samples(g, attr)]
                    if pts:
                        ax.errorbar([p[0] for p in pts], [p[1] for p in pts],
                                    yerr=[[p[1] - p[2] for p in pts], [p[3] - p[1] for p in pts]],
                                    capsize=3, label=shape, **shape_style(shape))
                        annotate_n(ax, [p[0] for p in pts], [p[1] for p in pts],
                                   [len(_samples(g, attr)) for g in gs if _samples(g, attr)])
            for ax, (_, ylabel) in zip(axes, panels):
                ax.set_xscale("log", base=2)
                ax.set_xticks(ts, [str(t) for t in ts])
                ax.set_xlabel("threads")
                ax.set_ylabel(ylabel)
                ax.set_ylim(bottom=0)
            # A tracked snapshot's read set is the whole grid, raw's a few dozen entries:
            # only a log scale shows both (symlog, since a lock's read set is 0).
            for ax, (attr, _) in zip(axes, panels):
                if attr == "read_set_mean":
                    ax.set_yscale("symlog", linthresh=1)
                    ax.set_ylim(bottom=0)
            handles, labels = axes[0].get_legend_handles_labels()
            if handles:  # one legend for the panels, outside them
                fig.legend(handles, labels, loc="center right", fontsize=7,
                           title="snapshot/private\n(numbers: runs per point)", title_fontsize=7)
            fig.suptitle(f"early release and private accesses: {tm}")
            fig.subplots_adjust(bottom=0.18, wspace=0.3, right=0.8 if len(panels) > 1 else 0.62)
            caption(fig, data, inp, f"not drawn, 0 in every run: {', '.join(left_out)}" if left_out else "")
            paths += save(fig, out_dir, f"early-release-{safe(tm)}-{safe(inp)}")
    return paths
