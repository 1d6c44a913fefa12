"""The nightly history: one JSON line per (revision, configuration), samples kept,
so any two revisions can be compared with the same test as `compare`."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

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


def append(path: Path, entries: list[dict]) -> None:
    log = store.RunLog(path)
    for e in entries:
        log.append(e)


def load(path: Path) -> list[dict]:
    """Entries, the last one winning for a (revision, config) recorded twice."""
    latest = {}
    for e in store.read_records(Path(path)):
        latest[(e.get("revision"), e.get("config"))] = e
    return list(latest.values())


def revisions(entries: list[dict]) -> list[str]:
    """Revisions in the order they were added to the history (nightly runs append
    in time order; file order does not depend on clocks agreeing between machines)."""
    return list(dict.fromkeys(e["revision"] for e in entries))


def by_revision(entries: list[dict], revision: str) -> dict[str, Entry]:
    return {e["config"]: Entry(e) for e in entries if e["revision"] == revision}


def check_latest(entries: list[dict], threshold=0.05, alpha=0.05) -> list[dict] | None:
    """compare rows of the newest revision against the one before (None if fewer than two)."""
    revs = revisions(entries)
    if len(revs) < 2:
        return None
    return compare.compare_groups(by_revision(entries, revs[-2]), by_revision(entries, revs[-1]),
                                  threshold, alpha)


def regressions_per_revision(entries: list[dict], threshold=0.05, alpha=0.05) -> dict[str, set]:
    """revision -> the configurations that regressed against the previous revision."""
    revs = revisions(entries)
    out = {}
    for prev, cur in zip(revs, revs[1:]):
        rows = compare.compare_groups(by_revision(entries, prev), by_revision(entries, cur), threshold, alpha)
        out[cur] = {r["config"] for r in compare.regressions(rows)}
    return out


def dump(entries) -> str:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
