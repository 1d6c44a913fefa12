"""A result directory holding runs from several machines gets one directory per machine.

Statistics are never pooled over machines (records/machines.py), and a figure reads
a whole directory, so a directory whose runs come from two CPU models (a Slurm
array over mixed nodes, or `harness merge` of shards run on different hosts) is
split: DIR/by-machine/<machine>/ holds that machine's records, summary and
machine.json, and each gets figures of its own.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from records import machines

from . import report, store


def split(result_dir: Path) -> list[Path]:
    """DIR/by-machine/<machine>/ for each machine, when the runs come from several; [] for one."""
    parts = machines.split(store.read_records(result_dir))
    if len(parts) == 1:
        return []
    manifest = store.read_json(result_dir / "manifest.json") or {}
    dirs = []
    for m, recs in parts.items():
        sub = result_dir / "by-machine" / re.sub(r"[^A-Za-z0-9.]+", "-", m).strip("-")
        store.write_atomic(sub / store.RUNS, "".join(json.dumps(r, sort_keys=True) + "\n" for r in recs))
        node = next(((r.get("harness") or {}).get("node") for r in recs if (r.get("harness") or {}).get("node")), {})
        store.write_json(sub / "machine.json", {"cpu": node.get("cpu"), "cores": node.get("cores"),
                                                "nodes": sorted(machines.nodes(recs).get(m, []))})
        store.write_json(sub / "manifest.json", dict(manifest, machine=m))
        report.write_summaries(sub, recs, manifest.get("suite"))
        dirs.append(sub)
    return dirs
