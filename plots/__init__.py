"""Figures from result files only (runs.jsonl, machine.json, manifest.json, history).

    /usr/bin/python3 -m plots RESULT_DIR [--out DIR] [--history FILE]

Which figures a directory gets follows from its records: runtimes when several
thread counts or runtimes were measured, allocators when several allocators
were (and, from summary.csv, where their time goes per private-memory lifetime), early release when several snapshot / private-memory shapes were, htm when
htm-model (a model of hardware TM) ran, Lee-TM's (plots/lee_tm.py) when boards were
routed under Lee-TM's rules at several thread counts.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, never a display

import records  # noqa: E402

from . import allocators, allocators_lifetime, common, early_release, history, htm, lee_tm, runtimes  # noqa: E402


class MixedMachines(ValueError):
    """A result directory whose runs come from machines that must not share a figure."""


def render_dir(result_dir: Path, out_dir: Path | None = None, history_file: Path | None = None) -> list[Path]:
    result_dir = Path(result_dir)
    out_dir = Path(out_dir) if out_dir else result_dir / "figures"
    data = common.load(result_dir)
    machines = [m for m in records.machines.split(data.records) if m is not None]
    if machines:  # one figure over two CPU models would pool samples that are not comparable
        raise MixedMachines(f"{result_dir}: runs from {len(machines)} machines ({'; '.join(machines)}); "
                            "figures are drawn per machine: `harness figures DIR` splits the runs into "
                            "DIR/by-machine/<machine>/ and draws each")
    paths: list[Path] = []
    for module in (runtimes, allocators, allocators_lifetime, early_release, htm, lee_tm):
        paths += module.render(data, out_dir)
    if history_file and Path(history_file).exists():
        paths += history.render(Path(history_file), out_dir, data)
    return paths
