"""Records from several machines: statistics and figures per machine, never pooled.

A suite spread over a cluster (harness slurm) or merged from shards run on
different hosts may hold runs from nodes with different CPUs.  Times from two
CPU models are not samples of one distribution, so a configuration's statistics
must never mix them: the summary splits the records by machine first.

A machine is its CPU model and core count (what makes two nodes' times
comparable), not its name: identical nodes of a cluster pool, as they should.
"""
from __future__ import annotations


def label(record: dict) -> str | None:
    """"CPU model, N cores" of the node a record ran on; None if the record does not say.

    The harness's note (harness.node, every run, failed ones too) comes first; the
    binary's own `machine` object covers records written before the harness kept it."""
    facts = (record.get("harness") or {}).get("node") or record.get("machine")
    if not isinstance(facts, dict) or (facts.get("cpu") is None and facts.get("cores") is None):
        return None
    return f"{facts.get('cpu', 'unknown cpu')}, {facts.get('cores', '?')} cores"


def split(records: list[dict]) -> dict[str | None, list[dict]]:
    """machine label -> its records; {None: records} when they come from one machine.

    Records that do not name their machine join the only machine there is; next to
    several machines they form a group of their own ("unknown machine")."""
    by: dict[str | None, list[dict]] = {}
    for r in records:
        by.setdefault(label(r), []).append(r)
    known = [k for k in by if k is not None]
    if len(known) <= 1:
        return {None: records}
    if None in by:
        by["unknown machine"] = by.pop(None)
    return dict(sorted(by.items()))


def nodes(records: list[dict]) -> dict[str, set]:
    """machine label -> the names of the nodes its records ran on."""
    out: dict[str, set] = {}
    for r in records:
        node = (r.get("harness") or {}).get("node") or {}
        out.setdefault(label(r) or "unknown machine", set()).add(node.get("name") or "?")
    return out

