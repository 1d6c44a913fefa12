"""The nightly history: one JSON line per (revision, configuration), samples kept,
so any two revisions can be compared with the same test as `compare`."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import records.history

from . import compare, stats, store


class Entry:
    """Duck-types stats.Group for compare.compare_groups."""
    def __init__(self, d: dict):
        self.times = list(d.get("samples", []))
        self.failures = ["failed"] * int(d.get("failed", 0))


def entries_from_records(records: list[dict], suite: str, revision: str | None = None,
                         machine: dict | None = None) -> list[dict]:
    revs = Counter(r.get("git_revision") for r in records if r.get("git_revision"))
    revision = revision or (revs.most_common(1)[0][0] if revs else "unknown")
    stamps = [r.get("timestamp") for r in records if r.get("timestamp")]
    when = max(stamps) if stamps else None
    out = []
    for key, g in sorted(stats.group(records).items()):
        out.append({"revision": revision, "timestamp": when, "suite": suite, "config": key,
                    "samples": g.times, "failed": len(g.failures),
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


def by_revision(entries: list[dict], revision: str) -> dict[str, Entry]:
    return {e["config"]: Entry(e) for e in entries if e["revision"] == revision}


def check_latest(entries: list[dict], threshold=0.05, alpha=0.05) -> list[dict] | None:
    """compare rows of the newest revision against the one before (None if fewer than two)."""
    revs = revisions(entries)
    if len(revs) < 2:
        return None
    return compare.compare_groups(by_revision(entries, revs[-2]), by_revision(entries, revs[-1]),
                                  threshold, alpha)


def dump(entries) -> str:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
