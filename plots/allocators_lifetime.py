"""Where each allocator's time goes, per private-memory lifetime (issue 12).

One column per runtime and thread count; one group of bars per allocator (the
five mallocs, and allocpage's pages as the private memory), one bar per
lifetime (worker: STAMP's, allocated once; transaction: allocated in every
routing transaction).  Rows: routing time (geometric mean with its 95%
interval, summary.csv), then the medians of what explains it: sys time,
minor page faults, and the memory system calls (mmap, munmap, mremap,
mprotect, madvise, brk: stacked).  Each column's title gives the allocator
spread per lifetime with its bootstrap 95% interval (allocator_spread.csv).
Reads result files only: without summary.csv there is no figure.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import records

from .common import ALLOCATOR_STYLE, caption, safe, save

LIFETIME = "private_lifetime"  # the axis; a result without it has the default lifetime only
LIFETIME_COLOUR = {"worker": "#7f7f7f", "transaction": "#ff7f0e"}
SYSCALLS = ("mmap", "munmap", "mremap", "mprotect", "madvise", "brk")
SYSCALL_HATCH = dict(zip(SYSCALLS, ("", "//", "..", "xx", "\\\\", "oo")))
# The axes this figure varies itself; every other axis must be at its default.
VARIED = {"input", "tm", "threads", "allocator", "private_memory", "page_size", LIFETIME}


def _default_text(axis: str) -> str:
    """An axis's default as summary.csv spells it (harness: axis_columns)."""
    d = records.default_of(axis)
    return "" if d in (None, {}) else str(d)


def _lifetime(row: dict) -> str:
    return row.get(LIFETIME) or (records.default_of(LIFETIME) if LIFETIME in records.AXIS else "worker")


def _memory(row: dict) -> str:
    """The allocator, or allocpage's pages as the private memory (the process's malloc after +)."""
    if row.get("private_memory") == "allocpage":
        page = row.get("page_size") or "4k"
        other = row["allocator"] if row["allocator"] != records.default_of("allocator") else ""
        return f"allocpage-{page}" + (f"+{other}" if other else "")
    return row["allocator"]


def _num(row: dict, col: str):
    try:
        return float(row[col]) if row.get(col) not in (None, "") else None
    except ValueError:
        return None


def _spread_note(data, inp: str, tm: str, threads: str) -> str:
    parts = []
    for r in data.spread:
        if (r.get("input"), r.get("tm"), str(r.get("threads"))) != (inp, tm, threads):
            continue
        if any(r.get(a, _default_text(a)) != _default_text(a) for a in records.AXIS if a not in VARIED):
            continue
        if r.get("private_memory", "malloc") != records.default_of("private_memory"):
            continue
        lo, hi = r.get("spread_ci_low"), r.get("spread_ci_high")
        ci = f" ({float(lo) * 100:.0f}-{float(hi) * 100:.0f}%)" if lo not in (None, "") else " (no interval)"
        parts.append(f"{_lifetime(r)}: {float(r['spread']) * 100:.1f}%{ci}")
    return "spread " + ", ".join(sorted(parts)) if parts else "spread: not in allocator_spread.csv"


def render(data, out_dir):
    paths = []
    rows = [r for r in data.summary if _num(r, "gmean_s") is not None
            and all(r.get(a, _default_text(a)) == _default_text(a) for a in records.AXIS if a not in VARIED)]
    for inp in data.inputs():
        sel = [r for r in rows if r["input"] == inp]
        memories = sorted({_memory(r) for r in sel},
                          key=lambda m: (list(ALLOCATOR_STYLE).index(m) if m in ALLOCATOR_STYLE else len(ALLOCATOR_STYLE), m))
        if len(memories) < 2:
            continue
        lifetimes = sorted({_lifetime(r) for r in sel}, key=lambda l: (l != "worker", l))
        columns = sorted({(r["tm"], r["threads"]) for r in sel}, key=lambda c: (c[0] != "seq", c[0], int(c[1])))
        width_in = 4.2 * len(columns) + 2.2  # the legends take the last 2 inches
        fig, axes = plt.subplots(4, len(columns), figsize=(width_in, 12), squeeze=False, sharex="col")
        width = 0.8 / len(lifetimes)
        x = np.arange(len(memories))
        for j, (tm, threads) in enumerate(columns):
            cell = {(_memory(r), _lifetime(r)): r for r in sel if (r["tm"], r["threads"]) == (tm, threads)}
            for k, life in enumerate(lifetimes):
                xs = x - 0.4 + width * (k + 0.5)
                got = [cell.get((m, life)) for m in memories]
                colour = LIFETIME_COLOUR.get(life, "#999999")
                # Row 0: time, geometric mean and its 95% interval.
                g = [(_num(r, "gmean_s"), _num(r, "ci95_low_s"), _num(r, "ci95_high_s")) if r else (None,) * 3
                     for r in got]
                h = [v[0] if v[0] is not None else np.nan for v in g]
                err = [[(v[0] - v[1]) if v[1] is not None else 0 for v in g],
                       [(v[2] - v[0]) if v[2] is not None else 0 for v in g]]
                err = np.nan_to_num(np.asarray(err, float))
                axes[0][j].bar(xs, h, width, yerr=err, capsize=2, color=colour, label=life)
                # Rows 1-2: sys time and minor faults, medians.
                for i, col in ((1, "sys_median_s"), (2, "minor_faults_median")):
                    axes[i][j].bar(xs, [_num(r, col) if r and _num(r, col) is not None else np.nan for r in got],
                                   width, color=colour)
                # Row 3: the memory system calls, stacked; absent where they could not be counted.
                bottom = np.zeros(len(memories))
                for call in SYSCALLS:
                    v = np.array([_num(r, f"{call}_median") if r and _num(r, f"{call}_median") is not None
                                  else np.nan for r in got])
                    axes[3][j].bar(xs, np.nan_to_num(v), width, bottom=bottom, color=colour, edgecolor="white",
                                   hatch=SYSCALL_HATCH[call], label=call if k == 0 else None)
                    bottom += np.nan_to_num(v)
            axes[0][j].set_title(f"{tm}, {threads} thread{'s' if threads != '1' else ''}\n"
                                 f"{_spread_note(data, inp, tm, threads)}", fontsize=8)
            axes[3][j].set_xticks(x, memories, rotation=30, ha="right", fontsize=7)
        for i, label in enumerate(("routing time (s): geometric mean, 95% CI", "sys time (s), median",
                                   "minor faults, median (log)", "memory system calls, median")):
            axes[i][0].set_ylabel(label, fontsize=8)
        axes[0][-1].legend(title="private lifetime", fontsize=7, title_fontsize=7, loc="upper left",
                           bbox_to_anchor=(1.02, 1.0))
        axes[3][-1].legend(title="system call (hatch)", fontsize=7, title_fontsize=7, loc="upper left",
                           bbox_to_anchor=(1.02, 1.0))
        for ax in axes[2]:  # jemalloc's purging faults thousands of times more than the others: a log scale
            ax.set_yscale("log")
        fig.subplots_adjust(bottom=0.12, right=1 - 2.0 / width_in, hspace=0.15, wspace=0.3)
        caption(fig, data, inp, "allocators per private-memory lifetime (summary.csv, allocator_spread.csv); "
                                "system calls: the record's syscalls (tracepoints), missing bars where not counted")
        paths += save(fig, out_dir, f"allocators-lifetime-{safe(inp)}")
    return paths
