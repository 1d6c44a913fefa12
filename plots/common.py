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
                _csv(result_dir / "allocator_spread.csv"))


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
