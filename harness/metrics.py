"""What a comparison measures: `--metric wall|cpu|instructions`.

- wall: `time.elapsed_s`, the routing phase as STAMP times it.  What speedup means,
  and the only metric that shows what threads buy; the first to suffer when other
  work shares the machine.
- cpu: `time.user_s + time.sys_s` of the routing phase.  Holds better under load for
  single-thread configurations (waiting for a CPU costs no CPU time); with several
  threads it also counts spinning and aborted work, so it is not a speedup measure.
- instructions: `counters.instructions`, user-space instructions of the routing
  phase summed over threads (perf_event_open).  Barely moved by load; blind to cache
  misses and contention.  Only where the kernel exposes hardware counters; a record
  without them says why (`counters.reason`), and such runs are left out, never zero.
"""
from __future__ import annotations

METRICS = ("wall", "cpu", "instructions")
UNITS = {"wall": "s", "cpu": "s", "instructions": "instructions"}
DESCRIPTION = {
    "wall": "wall time of the routing phase (time.elapsed_s)",
    "cpu": "CPU time of the routing phase (time.user_s + time.sys_s)",
    "instructions": "user-space instructions of the routing phase, all threads (counters.instructions)",
}


def value(record: dict, metric: str = "wall") -> float | None:
    """The record's number for `metric`, None where the record has none."""
    t = record.get("time") or {}
    if metric == "wall":
        v = t.get("elapsed_s")
    elif metric == "cpu":
        u, s = t.get("user_s"), t.get("sys_s")
        v = u + s if isinstance(u, (int, float)) and isinstance(s, (int, float)) else None
    elif metric == "instructions":
        c = record.get("counters") or {}
        v = c.get("instructions") if c.get("available") else None
    else:
        raise ValueError(f"unknown metric {metric!r} (known: {', '.join(METRICS)})")
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def unavailable_reason(record: dict, metric: str) -> str:
    """Why an ok record has no value for `metric`."""
    if metric == "instructions":
        c = record.get("counters")
        if not c:
            return "the record has no hardware counters (a binary older than the counters)"
        return c.get("reason") or "hardware counters unavailable"
    return f"the record has no {DESCRIPTION[metric]}"
