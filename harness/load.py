"""The machine's load around one run: load average and steal time before and after.

A run taken while the machine was busy is not wrong, but its time says more about
the machine than about the code; the records say so and `compare` lists such runs.
Read from /proc (Linux); where it cannot be read, the fields are null, never zero.
"""
from __future__ import annotations

import os

# /proc/stat's "cpu" line: user nice system idle iowait irq softirq steal ...
_STEAL_FIELD = 8


def _steal_ticks() -> int | None:
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith("cpu "):
                    fields = line.split()
                    return int(fields[_STEAL_FIELD]) if len(fields) > _STEAL_FIELD else None
    except (OSError, ValueError):
        return None
    return None


def sample() -> dict:
    """The 1-minute load average and the machine's cumulative steal ticks, now."""
    try:
        load1 = os.getloadavg()[0]
    except OSError:
        load1 = None
    return {"loadavg": load1, "steal_ticks": _steal_ticks()}


def cores() -> int:
    return os.cpu_count() or 1


def between(before: dict, after: dict, wall_s: float, n_cores: int | None = None) -> dict:
    """The record's harness.load object for a run between two samples.

    `above_cores` marks a run that started with the 1-minute load average above the
    core count: other work was waiting for the CPUs when it began.  (The average lags
    by about a minute and counts the suite's own earlier runs too; the value after the
    run includes this run's own threads, so it is recorded but not used to mark.)
    `steal_fraction` is the share of the machine's CPU time the hypervisor gave to other
    guests during the run."""
    n_cores = n_cores or cores()
    steal_s = frac = None
    if before.get("steal_ticks") is not None and after.get("steal_ticks") is not None:
        steal_s = (after["steal_ticks"] - before["steal_ticks"]) / os.sysconf("SC_CLK_TCK")
        frac = steal_s / (wall_s * n_cores) if wall_s > 0 else None
    lb = before.get("loadavg")
    return {"loadavg_before": lb, "loadavg_after": after.get("loadavg"), "cores": n_cores,
            "steal_s": steal_s, "steal_fraction": frac,
            "above_cores": bool(lb is not None and lb > n_cores)}


def loaded_runs(records: list[dict]) -> list[dict]:
    """The measured runs the harness marked as taken above the core count."""
    return [r for r in records
            if not (r.get("harness") or {}).get("warmup")
            and ((r.get("harness") or {}).get("load") or {}).get("above_cores")]
