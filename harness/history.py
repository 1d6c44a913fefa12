"""The nightly history: one JSON line per (revision, configuration, session), samples
kept, so any two revisions can be compared with the same test as `compare`.

A series per configuration and revision (records/history.py joins a revision's
sessions: a rerun adds, never overwrites).  A revision is tested against the pooled
samples of a window of earlier revisions, so a step shows however the last pair fell.
"""
from __future__ import annotations

import hashlib
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
    # A session is named by its runs: the same directory added twice is one session.
    ident = sorted(f"{(r.get('harness') or {}).get('run_id')}@{r.get('timestamp')}" for r in records)
    session = hashlib.sha256("\n".join(ident).encode()).hexdigest()[:16]
    out = []
    for key, g in sorted(per_metric["wall"].items()):
        out.append({"revision": revision, "timestamp": when, "suite": suite, "config": key, "session": session,
                    "samples": g.times, "failed": len(g.failures),
                    "metrics": {m: per_metric[m][key].times for m in metrics.METRICS if m != "wall"},
                    "machine": {f: sorted(v) for f, v in facts.items()},
                    "cpu": (machine or {}).get("cpu"), "cores": (machine or {}).get("cores")})
    return out


def append(path: Path, entries: list[dict], threshold=0.05, alpha=0.05, window=5) -> None:
    """Add entries of one revision, each with its verdict against the pooled window of
    revisions before it in the file (so the history figure reads the harness's verdicts
    from the file instead of re-running its tests: plots/ reads only results)."""
    old = load(path) if Path(path).exists() else []
    for e in entries:
        e.pop("verdict", None)
        e.pop("regressed", None)
    new_revs = {e["revision"] for e in entries}
    prev = [r for r in revisions(old) if r not in new_revs]
    if prev and len(new_revs) == 1:
        rows = compare.compare_groups(pooled(old, prev[-window:]), {e["config"]: Entry(e) for e in entries},
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


def pooled(entries: list[dict], revs: list[str], metric: str = "wall") -> dict[str, Entry]:
    """The samples of several revisions joined per configuration (the window to test against)."""
    out: dict[str, Entry] = {}
    for rev in revs:
        for key, e in by_revision(entries, rev, metric).items():
            if key in out:
                out[key].times += e.times
                out[key].failures += e.failures
            else:
                out[key] = e
    return out


def window_of(revs: list[str], window: int) -> list[str]:
    """The up to `window` revisions before the newest one."""
    return revs[-1 - window:-1]


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


def check_machines(entries: list[dict], old, new: str, allow_mismatch: bool) -> list[str]:
    """Header lines, or a comparable.Refusal when the revisions ran on different machines
    (`old` may be a list: the window)."""
    olds = old if isinstance(old, list) else [old]
    facts: dict[str, set] = {f: set() for f in comparable.MACHINE_FIELDS}
    for rev in olds:
        for f, v in machine_of(entries, rev).items():
            facts[f] |= v
    return comparable.check_machines(facts, machine_of(entries, new), allow_mismatch,
                                     names=(f"revision{'s' if len(olds) > 1 else ''} {', '.join(olds)}",
                                            f"revision {new}"))


def check_latest(entries: list[dict], threshold=0.05, alpha=0.05, metric="wall", window=1) -> list[dict] | None:
    """compare rows of the newest revision against the pooled samples of the `window`
    revisions before it (None if fewer than two revisions)."""
    revs = revisions(entries)
    if len(revs) < 2:
        return None
    earlier = window_of(revs, window)
    name = f"revisions {earlier[0]}..{earlier[-1]}" if len(earlier) > 1 else f"revision {earlier[0]}"
    old, new = pooled(entries, earlier, metric), by_revision(entries, revs[-1], metric)
    comparable.check_common(old, new, names=(name, f"revision {revs[-1]}"))
    for rev, side in ((name, old), (f"revision {revs[-1]}", new)):
        if not any(e.times for e in side.values()):
            raise comparable.Refusal(f"{rev}: no sample of the {metric} metric "
                                     f"({metrics.DESCRIPTION[metric]}) in the history")
    return compare.compare_groups(old, new, threshold, alpha)


def dump(entries) -> str:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries)
