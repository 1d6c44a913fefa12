"""The nightly history: one JSON line per (revision, configuration), samples kept,
so any two revisions can be compared with the same test as `compare`."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import records.history

from . import comparable, compare, metrics, stats, store


class Entry:
    """Duck-types stats.Group for compare.compare_groups."""
    def __init__(self, d: dict, metric: str = "wall"):
        # "samples" is the wall time (the only metric entries older than `metrics` have)
        self.times = list(d.get("samples", []) if metric == "wall" else (d.get("metrics") or {}).get(metric, []))
        self.failures = ["failed"] * int(d.get("failed", 0))


def entries_from_records(records: list[dict], suite: str, revision: str | None = None,
                         machine: dict | None = None) -> list[dict]:
    revs = Counter(r.get("git_revision") for r in records if r.get("git_revision"))
    revision = revision or (revs.most_common(1)[0][0] if revs else "unknown")
    stamps = [r.get("timestamp") for r in records if r.get("timestamp")]
    when = max(stamps) if stamps else None
    facts = comparable.machine_facts(records)
    for f in comparable.MACHINE_FIELDS:  # machine.json fills in what no record says
        if not facts[f] and (machine or {}).get(f) not in (None, ""):
            facts[f].add(str(machine[f]))
    per_metric = {m: stats.group(records, m) for m in metrics.METRICS}
    out = []
    for key, g in sorted(per_metric["wall"].items()):
        out.append({"revision": revision, "timestamp": when, "suite": suite, "config": key,
                    "samples": g.times, "failed": len(g.failures),
                    "metrics": {m: per_metric[m][key].times for m in metrics.METRICS if m != "wall"},
                    "machine": {f: sorted(v) for f, v in facts.items()},
                    "cpu": (machine or {}).get("cpu"), "cores": (machine or {}).get("cores")})
    return out


def append(path: Path, entries: list[dict], threshold=0.05, alpha=0.05) -> None:
    """Add entries of one revision, each with its verdict against the revision
    before it in the file (so the history figure reads the harness's verdicts
    from the file instead of re-running its tests: plots/ reads only results)."""
    old = load(path) if Path(path).exists() else []
    for e in entries:
        e.pop("verdict", None)
        e.pop("regressed", None)
    new_revs = {e["revision"] for e in entries}
    prev = [r for r in revisions(old) if r not in new_revs]
    if prev and len(new_revs) == 1:
        rows = compare.compare_groups(by_revision(old, prev[-1]), {e["config"]: Entry(e) for e in entries},
                                      threshold, alpha)
        verdicts = {r["config"]: r["verdict"] for r in rows}
        for e in entries:
            e["verdict"] = verdicts.get(e["config"])
            e["regressed"] = e["verdict"] in compare.GATING
    log = store.RunLog(path)
    for e in entries:
        log.append(e)


load = records.history.load  # the file is a result file: the records package reads it
revisions = records.history.revisions


def by_revision(entries: list[dict], revision: str, metric: str = "wall") -> dict[str, Entry]:
    return {e["config"]: Entry(e, metric) for e in entries if e["revision"] == revision}


def machine_of(entries: list[dict], revision: str) -> dict[str, set]:
    """The machine facts a revision's entries carry (older entries: cpu and cores only)."""
    facts: dict[str, set] = {f: set() for f in comparable.MACHINE_FIELDS}
    for e in entries:
        if e["revision"] != revision:
            continue
        m = e.get("machine") or {"cpu": [e["cpu"]] if e.get("cpu") else [],
                                  "cores": [str(e["cores"])] if e.get("cores") else []}
        for f in comparable.MACHINE_FIELDS:
            facts[f].update(m.get(f) or [])
    return facts


def check_machines(entries: list[dict], old: str, new: str, allow_mismatch: bool) -> list[str]:
    """Header lines, or a comparable.Refusal when the two revisions ran on different machines."""
    return comparable.check_machines(machine_of(entries, old), machine_of(entries, new), allow_mismatch,
                                     names=(f"revision {old}", f"revision {new}"))


def check_latest(entries: list[dict], threshold=0.05, alpha=0.05, metric="wall") -> list[dict] | None:
    """compare rows of the newest revision against the one before (None if fewer than two)."""
    revs = revisions(entries)
    if len(revs) < 2:
        return None
    old, new = by_revision(entries, revs[-2], metric), by_revision(entries, revs[-1], metric)
    comparable.check_common(old, new, names=(f"revision {revs[-2]}", f"revision {revs[-1]}"))
    for rev, side in ((revs[-2], old), (revs[-1], new)):
        if not any(e.times for e in side.values()):
            raise comparable.Refusal(f"revision {rev}: no sample of the {metric} metric "
                                     f"({metrics.DESCRIPTION[metric]}) in the history")
    return compare.compare_groups(old, new, threshold, alpha)


def dump(entries) -> str:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
