"""What every figure shares: loading a result directory, the caption that names
suite, input, machine and revision, and saving as PNG and SVG."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import records

# Reproducible SVGs: the same records give the same file (committed references diff cleanly).
plt.rcParams["svg.hashsalt"] = "labyrinth-bench"
# SVG text as text, not outlines: captions stay searchable (and testable).
plt.rcParams["svg.fonttype"] = "none"


@dataclass
class Data:
    records: list
    groups: dict           # config key -> records.Group
    suite: str
    machine: dict
    spread: list = field(default_factory=list)  # allocator_spread.csv's rows, as the harness wrote them
    summary: list = field(default_factory=list)  # summary.csv's rows (per configuration), as the harness wrote them

    def revision(self, input_name: str | None = None) -> str:
        revs = {r.get("git_revision") for r in self.records if r.get("git_revision")
                and (input_name is None or records.config_of(r).input == input_name)}
        return ", ".join(sorted(revs)) or "unknown"

    def inputs(self) -> list[str]:
        return sorted({g.config.input for g in self.groups.values()})


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


def _csv(path: Path) -> list[dict]:
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        return []


def load(result_dir: Path) -> Data:
    recs = records.load(result_dir)  # every record checked against the schema
    manifest = _json(result_dir / "manifest.json")
    machine = _json(result_dir / "machine.json")
    if not machine:  # fall back on the binary's own view, in the records
        machine = next((r["machine"] for r in recs if isinstance(r.get("machine"), dict)), {})
    return Data(recs, records.group(recs), manifest.get("suite", result_dir.name), machine,
                _csv(result_dir / "allocator_spread.csv"), _csv(result_dir / "summary.csv"))


def caption(fig, data: Data, input_name: str, extra: str = "", revision: str | None = None) -> None:
    m = data.machine
    machine = f"{m.get('cpu', 'unknown cpu')}, {m.get('cores', '?')} cores"
    if m.get("thp"):
        machine += f", THP {m['thp']}"
    text = (f"suite: {data.suite}   input: {input_name}   machine: {machine}   "
            f"revision: {revision or data.revision(input_name)}" + (f"\n{extra}" if extra else ""))
    fig.text(0.01, 0.01, text, fontsize=7, color="0.3", ha="left", va="bottom", wrap=True)


def save(fig, out_dir: Path, name: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        p = out_dir / f"{name}.{ext}"
        tmp = out_dir / f".{name}.tmp.{ext}"
        fig.savefig(tmp, dpi=120, metadata=meta)
        tmp.replace(p)  # a reader never sees half a figure
        paths.append(p)
    plt.close(fig)
    return paths


def median_iqr(samples) -> tuple[float, float, float]:
    q1, med, q3 = np.percentile(np.asarray(samples, float), [25, 50, 75])
    return float(med), float(q1), float(q3)


def ratio_with_error(num_med: float, samples) -> tuple[float, float, float]:
    """num_med / median(samples), with the error bar the samples' IQR gives it."""
    med, q1, q3 = median_iqr(samples)
    r = num_med / med
    return r, r - num_med / q3, num_med / q1 - r


def safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def shape_label(c) -> str:
    s = f"{c.snapshot}/{c.private}"
    if c.private_memory != "malloc":
        s += f"/{c.private_memory}" + (f"-{c.page_size}" if c.page_size else "")
    return s


def tm_label(c) -> str:
    return c.tm + "".join(f" {k}={v}" for k, v in c.tm_opts + c.env)


# One fixed colour and marker per runtime, allocator and shape, in every panel and figure
# (a reader who learnt "stm is blue circles" in one figure can trust it in the next).
# Colours from matplotlib's tab10, chosen to stay apart in print and for common colour blindness.
RUNTIME_STYLE = {"seq": ("#000000", "s"), "lock": ("#7f7f7f", "v"), "stm": ("#1f77b4", "o"),
                 "itm": ("#d62728", "^"), "tbb": ("#2ca02c", "D")}
ALLOCATOR_STYLE = {"glibc": ("#000000", "o"), "jemalloc": ("#e377c2", "s"), "mimalloc": ("#17becf", "^"),
                   "tbbmalloc": ("#bcbd22", "D"), "tcmalloc": ("#8c564b", "v")}
SHAPE_STYLE = {"raw/direct": ("#1f77b4", "o"), "raw/instrumented": ("#ff7f0e", "s"),
               "tracked/direct": ("#d62728", "^"), "tracked/instrumented": ("#9467bd", "v"),
               "released/direct": ("#2ca02c", "D"), "released/instrumented": ("#8c564b", "P"),
               "privatized/direct": ("#e377c2", "*")}
VARIANT_LINESTYLE = ("-", "--", "-.", ":")
OTHER = ("#999999", "x")


def runtime_style(label: str) -> dict:
    """Colour and marker of the runtime; a variant of it (options, environment: `itm
    ITM_DEFAULT_METHOD=gl_wt`) keeps them and gets its own line style, fixed by its text."""
    base, _, variant = label.partition(" ")
    colour, marker = RUNTIME_STYLE.get(base, OTHER)
    ls = VARIANT_LINESTYLE[sum(map(ord, variant)) % len(VARIANT_LINESTYLE)] if variant else "-"
    return {"color": colour, "marker": marker, "linestyle": ls}


def allocator_style(name: str) -> dict:
    colour, marker = ALLOCATOR_STYLE.get(name, OTHER)
    return {"color": colour, "marker": marker}


def shape_style(label: str) -> dict:
    """snapshot/private in a fixed colour and marker; allocpage private memory dashed."""
    base = "/".join(label.split("/")[:2])
    colour, marker = SHAPE_STYLE.get(base, OTHER)
    return {"color": colour, "marker": marker, "linestyle": "--" if label.count("/") > 1 else "-"}


def annotate_n(ax, xs, ys, ns) -> None:
    """The number of runs behind each point, next to it."""
    for x, y, n in zip(xs, ys, ns):
        ax.annotate(f"{n}", (x, y), textcoords="offset points", xytext=(4, 4), fontsize=6, color="0.35")


def cores_of(data) -> int | None:
    c = data.machine.get("cores")
    return int(c) if isinstance(c, (int, float)) and c > 0 else None


def shade_oversubscribed(ax, cores: int | None, threads: list[int]) -> None:
    """Grey from just above the core count to the right edge: those runs have more
    threads than the machine has cores."""
    if cores and threads and max(threads) > cores:
        ax.axvspan(cores * 2 ** 0.5, max(threads) * 2 ** 0.5, color="0.5", alpha=0.12, lw=0,
                   label=f"oversubscribed (> {cores} cores)")


def legend_outside(ax, handles_from=None, **kw) -> None:
    """The legend right of the axes, never over the data (with the entries of
    `handles_from`, another panel, when that one has every series)."""
    handles, labels = (handles_from or ax).get_legend_handles_labels()
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0, fontsize=7, **kw)
