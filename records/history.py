"""Reading the nightly history file (JSON lines written by the harness, one per
revision, configuration and session): the entries and the order of revisions.

A series per configuration and revision: a rerun of a revision is another session,
whose samples join the earlier ones (never overwriting them); the same session
written twice (a result directory added again) counts once, the later copy winning.
"""
from __future__ import annotations

from pathlib import Path

from .load import read_jsonl


def load(path: Path) -> list[dict]:
    """One entry per (revision, config): the samples of all its sessions joined, in the
    order added; `sessions` counts them; verdict and `regressed` are the latest session's."""
    sessions: dict[tuple, dict] = {}
    for e in read_jsonl(Path(path)):
        sessions[(e.get("revision"), e.get("config"), e.get("session"))] = e
    merged: dict[tuple, dict] = {}
    for (rev, cfg, _), e in sessions.items():
        m = merged.get((rev, cfg))
        if m is None:
            merged[(rev, cfg)] = dict(e, sessions=1, samples=list(e.get("samples", [])),
                                      metrics={k: list(v) for k, v in (e.get("metrics") or {}).items()})
            continue
        m["sessions"] += 1
        m["samples"] += e.get("samples", [])
        m["failed"] = m.get("failed", 0) + e.get("failed", 0)
        for k, v in (e.get("metrics") or {}).items():
            m["metrics"].setdefault(k, []).extend(v)
        m["timestamp"] = max(filter(None, (m.get("timestamp"), e.get("timestamp"))), default=None)
        for k in ("verdict", "regressed"):
            if k in e:
                m[k] = e[k]
    return list(merged.values())


def revisions(entries: list[dict]) -> list[str]:
    """Revisions in the order they were added to the history (nightly runs append
    in time order; file order does not depend on clocks agreeing between machines)."""
    return list(dict.fromkeys(e["revision"] for e in entries))
