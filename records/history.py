"""Reading the nightly history file (one JSON line per revision and
configuration, written by the harness): the entries and the order of revisions."""
from __future__ import annotations

from pathlib import Path

from .load import read_jsonl


def load(path: Path) -> list[dict]:
    """Entries, the last one winning for a (revision, config) recorded twice."""
    latest = {}
    for e in read_jsonl(Path(path)):
        latest[(e.get("revision"), e.get("config"))] = e
    return list(latest.values())


def revisions(entries: list[dict]) -> list[str]:
    """Revisions in the order they were added to the history (nightly runs append
    in time order; file order does not depend on clocks agreeing between machines)."""
    return list(dict.fromkeys(e["revision"] for e in entries))
